"""The pilot-purchase marketplace: create_app() builds the Flask application."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Mapping
from pathlib import Path

from flask import Flask

from . import (
    access,
    audit_display,
    charts,
    errors,
    form_keys,
    i18n,
    jobs,
    logs,
    navigation,
    notification_text,
    routing,
    security,
)
from .config import ROOT, from_environment, mail_settings
from .database import configure_engine
from .extensions import babel, csrf, db, limiter, login_manager, mail, migrate

log = logging.getLogger(__name__)


def create_app(config: Mapping | None = None) -> Flask:
    """Build the app from the environment, overridden by `config` (tests pass theirs)."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.update(from_environment())
    if config:
        app.config.update(config)
    Path(app.instance_path).mkdir(exist_ok=True)
    for key, value in mail_settings(app.config["MAIL_URL"], app.config["MAIL_DIR"]).items():
        if app.config.get(key) is None:  # a MAIL_BACKEND given in `config` wins (the tests keep mail in memory)
            app.config[key] = value
    app.config.setdefault("MAIL_DEFAULT_SENDER", app.config["MAIL_FROM"])
    routing.init_app(app)  # before any route is added

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    mail.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    babel.init_app(app, locale_selector=i18n.select_locale, default_translation_directories="translations")
    with app.app_context():
        configure_engine(db.engine, app.config["DB_LOCK_TIMEOUT_MS"], durable=app.config["DB_DURABLE_COMMITS"])
    switch_threads_often(app.config.get("THREAD_SWITCH_INTERVAL_MS", 0))
    jobs.init_app(app)  # the background queue, and the run_job and deliver_mail hooks services call

    if app.config.get("TRUST_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Flask's documented way to add WSGI middleware, though its types declare wsgi_app a method
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]

    i18n.init_app(app)
    charts.init_app(app)
    audit_display.init_app(app)
    navigation.init_app(app)
    notification_text.init_app(app)
    errors.init_app(app)
    logs.init_app(app)  # its access line is written after every other after_request has run
    app.before_request(security.start_request)
    app.before_request(access.enforce_access)
    form_keys.init_app(app)
    app.after_request(security.set_headers)
    app.teardown_request(security.end_request)
    _register_blueprints(app)
    _register_routes(app)

    from . import cli

    cli.init_app(app)
    warn_without_harfbuzz_subset()
    return app


def switch_threads_often(milliseconds: float) -> None:
    """Let the threads of a web process take turns every `milliseconds` (Python's default: 5 ms).

    A request that holds the database's write lock gives the interpreter up at every SQL statement and
    then waits for its turn back, as long as a thread rendering a page or a PDF keeps it: up to the switch
    interval, a dozen times per order. Every other writer waits meanwhile. A shorter interval keeps the
    lock short; on the mixed-load bench (benchmarks/bench_mixed.py) 1 ms gave about 40% more writes per
    second than 5 ms, and 0.2 ms no more than 1 ms.
    """
    if milliseconds and milliseconds > 0:
        sys.setswitchinterval(milliseconds / 1000)


def warn_without_harfbuzz_subset() -> None:
    """WeasyPrint falls back to fontTools without libharfbuzz-subset: Korean PDFs then take seconds."""
    if not _has_harfbuzz_subset():
        log.warning(
            "libharfbuzz-subset0 is not installed: PDF font subsetting will use fontTools and "
            "Korean reports will render 10-100x slower. Install it: apt-get install libharfbuzz-subset0"
        )


@functools.cache
def _has_harfbuzz_subset() -> bool:
    """Looked up once per process: find_library runs ldconfig in a child process (a few ms per app)."""
    import ctypes.util

    return ctypes.util.find_library("harfbuzz-subset") is not None


def _register_blueprints(app: Flask) -> None:
    # Each audience package puts all of its routes on its own blueprint when it is imported.
    from .api import bp as api
    from .api.auth import SessionlessApi
    from .auth import bp as auth
    from .buyer import bp as buyer
    from .evaluator import bp as evaluator
    from .ministry import bp as ministry
    from .public import bp as public
    from .supplier import bp as supplier

    for blueprint in (auth, public, supplier, ministry, buyer, evaluator):
        app.register_blueprint(blueprint)
    csrf.exempt(api)  # Bearer tokens only, never the session cookie: nothing for a forged request to ride on
    app.register_blueprint(api)
    app.session_interface = SessionlessApi()
    if (app.debug or app.config["DEV_PAGES"]) and app.config["ENV_NAME"] != "production":
        from .dev import bp as dev  # the mails kept in MAIL_DIR: development only

        app.register_blueprint(dev)


def _register_routes(app: Flask) -> None:
    @app.get("/healthz", endpoint="health")
    def health():
        """Liveness probe for load balancers."""
        return {"status": "ok"}


@login_manager.user_loader
def _load_user(token: str):
    from .models import User

    user_id, _, version = token.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.active:
        return None
    return user
