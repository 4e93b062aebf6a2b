"""Per-request context that services may read without importing Flask's request."""

from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="")
