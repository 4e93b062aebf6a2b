"""Per-request context that services may read without importing Flask's request."""

from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="")
# the signed-in user's id as text ("" when anonymous); kept current by security.py for the log lines
user_id: ContextVar[str] = ContextVar("user_id", default="")
