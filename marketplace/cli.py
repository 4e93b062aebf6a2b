"""flask commands: create-user, seed-demo, translations, reference data."""

from __future__ import annotations

import functools

import click
from flask import Flask

from .domain.errors import DomainError
from .domain.states import UserRole


def init_app(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(init_data_command)
    app.cli.add_command(init_wal_command)
    app.cli.add_command(translations)
    for extra in _extra_commands():
        app.cli.add_command(extra)


@functools.cache
def _extra_commands() -> tuple:
    """Commands that belong to later areas register themselves in marketplace/cli_*.py modules (found once)."""
    import importlib
    import pkgutil

    import marketplace

    found = []
    for module in pkgutil.iter_modules(marketplace.__path__):
        if module.name.startswith("cli_"):
            found.extend(importlib.import_module(f"marketplace.{module.name}").COMMANDS)
    return tuple(found)


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([role.value for role in UserRole]), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--institution-code", default=None, help="For buyers: the institution they belong to.")
def create_user_command(email, name, role, password, institution_code):
    """Create a user account (ministry staff are created this way)."""
    from sqlalchemy import select

    from .extensions import db
    from .models import Institution
    from .services.accounts import create_user

    institution_id = None
    if role == UserRole.BUYER:
        institution = db.session.scalar(select(Institution).where(Institution.code == institution_code))
        if institution is None:
            raise click.UsageError("A buyer needs --institution-code of an existing institution.")
        institution_id = institution.id
    try:
        user = create_user(email=email, name=name, role=role, password=password, institution_id=institution_id)
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {user.role} {user.email}")


@click.command("init-data")
def init_data_command():
    """Insert reference data (certificate types) that is missing."""
    from .services.reference import ensure_certificate_types

    click.echo(f"Certificate types added: {ensure_certificate_types()}")


@click.command("init-wal")
def init_wal_command():
    """Switch a SQLite database to write-ahead logging (kept in the file; once is enough)."""
    from .database import enable_wal
    from .extensions import db

    enable_wal(db.engine)


@click.command("seed-demo")
def seed_demo_command():
    """Create believable sample data, marked as sample. Safe to run again."""
    from .demo import seed_all

    for line in seed_all():
        click.echo(line)


@click.group("translations")
def translations():
    """Build and check the Babel catalogues."""


@translations.command("build")
def translations_build():
    """Merge the Korean part files and compile them."""
    from .translations_build import build

    build()
    click.echo("Translations compiled.")


@translations.command("missing")
def translations_missing():
    """List the msgids without a Korean translation."""
    from .translations_build import missing

    ids = missing("ko")
    for msgid in ids:
        click.echo(msgid)
    click.echo(f"{len(ids)} untranslated", err=True)


@translations.command("glossary")
def translations_glossary():
    """Write docs/glossary.md from marketplace/translations/glossary.toml."""
    from .glossary import DOCUMENT, load, render_markdown

    DOCUMENT.parent.mkdir(exist_ok=True)
    DOCUMENT.write_text(render_markdown(load()), encoding="utf-8")
    click.echo(f"Wrote {DOCUMENT}.")
