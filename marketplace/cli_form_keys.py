"""flask purge-form-keys: delete one-time form keys older than FORM_KEY_DAYS (run it daily)."""

from __future__ import annotations

import click
from flask import current_app

from . import form_keys


@click.command("purge-form-keys")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Keep keys claimed in the last DAYS days (default: FORM_KEY_DAYS, 7).",
)
def purge_form_keys_command(days: int | None) -> None:
    """Delete claimed form keys older than DAYS days; a form older than that counts as new."""
    kept = days or current_app.config["FORM_KEY_DAYS"]
    count = form_keys.purge(form_keys.purge_before(kept))
    click.echo(f"Deleted {count} form keys claimed more than {kept} days ago.")


COMMANDS = [purge_form_keys_command]
