"""The Huey queue: SQLite in instance/ by default, Redis with JOBS_URL=redis://...; create_app configures it.

One Huey object per process, made at import so that tasks can be declared on it; its storage is
chosen from the app's configuration (`configure`). Immediate mode (JOBS_IMMEDIATE, the tests') runs
each task inside the call that enqueues it, on an in-memory queue.
"""

from __future__ import annotations

from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

huey = Huey("marketplace", results=False, utc=True, storage_class=MemoryStorage)
_configured: tuple | None = None


def storage_for(url: str) -> tuple[type, dict]:
    """(storage class, its arguments) for a JOBS_URL: sqlite:///path, redis://..., or memory://."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStorage, {"url": url}
    if url.startswith("sqlite:///"):
        return SqliteStorage, {"filename": url[len("sqlite:///") :]}
    if url == "memory://":
        return MemoryStorage, {}
    raise RuntimeError(f"JOBS_URL must be sqlite:///<file>, redis://<host>:<port>/<db> or memory://, not {url!r}")


def configure(url: str, name: str, immediate: bool) -> Huey:
    """Point the process's queue at `url` under `name` (Redis keys huey.*.<name>); nothing if unchanged."""
    global _configured
    storage_class, kwargs = storage_for(url)
    wanted = (storage_class, name, tuple(sorted(kwargs.items())), immediate)
    if wanted != _configured:
        huey.name, huey.storage_class, huey.storage_kwargs = name, storage_class, kwargs
        huey._immediate = immediate  # the setter would only swap storages: we make the right one below
        huey.storage = huey.create_storage()
        _configured = wanted
    return huey
