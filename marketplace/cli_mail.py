"""flask mail deliver: send the mails waiting in the outbox (a cron job or the background worker does it too)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

mail_group = AppGroup("mail", help="The mail outbox.")


@mail_group.command("deliver")
@click.option("--limit", default=100, show_default=True, help="Mails per batch.")
def deliver_command(limit: int) -> None:
    """Send every mail that is due, batch by batch; failed ones wait for their next try."""
    from .services.outbox import deliver_pending

    total = 0
    while (sent := deliver_pending(limit)) > 0:
        total += sent
    click.echo(f"{total} mail(s) sent.")


COMMANDS = [mail_group]
