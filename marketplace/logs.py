"""Log lines that name their request and person: request_id and user_id on every record, one access line each."""

from __future__ import annotations

import logging
import time
from typing import TextIO, cast

from flask import Flask, g, request
from flask.logging import default_handler, wsgi_errors_stream

from .context import request_id, user_id

FORMAT = "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s user_id=%(user_id)s %(message)s"
access_log = logging.getLogger("marketplace.access")


class RequestContextFilter(logging.Filter):
    """Stamps each record with the request id and user id of the request it was logged in ('-' outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get() or "-"
        if not hasattr(record, "user_id"):
            record.user_id = user_id.get() or "-"
        return True


def init_app(app: Flask) -> None:
    """Send the app's records (logger 'marketplace' and below) to the error stream with both ids."""
    logger = logging.getLogger("marketplace")
    if not any(isinstance(f, RequestContextFilter) for h in logger.handlers for f in h.filters):
        # wsgi.errors during a request (gunicorn's error log under `make run`), stderr otherwise; the proxy
        # writes like the stream it stands for, which is what StreamHandler's types ask
        handler = logging.StreamHandler(cast(TextIO, wsgi_errors_stream))
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(RequestContextFilter())
        logger.addHandler(handler)
        logger.removeHandler(default_handler)  # Flask's own would print each record a second time
    if logger.level == logging.NOTSET:
        # under gunicorn its --log-level rules ours too (info by default; warning drops the access lines)
        server = logging.getLogger("gunicorn.error")
        logger.setLevel(server.level if server.handlers else logging.INFO)
    app.after_request(log_access)


def log_access(response):
    """One line per request: method, path (no query string: it may hold tokens), status, duration."""
    started = g.get("request_started")
    duration_ms = (time.perf_counter() - started) * 1000 if started is not None else 0.0
    access_log.info(
        "%s %s %s %.1fms client_request_id=%s",
        request.method,
        request.path,
        response.status_code,
        duration_ms,
        g.get("client_request_id") or "-",
    )
    return response
