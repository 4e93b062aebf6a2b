"""PostgreSQL for the benchmarks: a fresh database per run on the server BENCH_PG_URL names, if it answers.

The databases are called <BENCH_PG_PREFIX>_<name> (prefix mp_bench by default), so benchmarks run by
several people on one server can keep apart by prefix.
"""

from __future__ import annotations

import os

PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PREFIX = os.environ.get("BENCH_PG_PREFIX", "mp_bench")


def _connect(base):
    import psycopg

    return psycopg.connect(
        host=base.host,
        port=base.port or 5432,
        user=base.username,
        password=base.password,
        dbname=base.database,
        autocommit=True,
        connect_timeout=3,
    )


def fresh_database(name: str) -> str | None:
    """Recreate <prefix>_<name> and return its URL; None (after saying so) when no server answers."""
    try:
        from sqlalchemy import make_url

        base = make_url(PG_URL)
        database = f"{PREFIX}_{name}"
        with _connect(base) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{database}"')
        return base.set(database=database).render_as_string(hide_password=False)
    except Exception as error:  # noqa: BLE001 - no PostgreSQL: report and go on with SQLite
        print(f"PostgreSQL not available ({error.__class__.__name__}: {error}); SQLite only", flush=True)
        return None


def drop_database(url: str) -> None:
    """Drop a database fresh_database() made (its data is not kept between runs)."""
    from sqlalchemy import make_url

    target = make_url(url)
    with _connect(make_url(PG_URL)) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
