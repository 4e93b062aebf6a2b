"""flask draw verify ROUND: re-run a round's draw from its stored manifest and seed; flask draw close-due;
flask draw announce ROUND and results ROUND STAGE: tell suppliers a round opened, or its results;
flask draw remind: the dated reminders; flask draw open-small-batch: a month's small-value batch."""

from __future__ import annotations

import click

from .domain.errors import DomainError


@click.group("draw")
def draw_group():
    """Check and maintain round draws."""


@draw_group.command("verify")
@click.argument("round_code")
def verify_command(round_code):
    """Re-run the draw of ROUND_CODE from the stored manifest and seed; exit 1 on a mismatch."""
    from .services.draws import verify_draw

    try:
        outcome = verify_draw(round_code)
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{'MATCH' if outcome.matches else 'MISMATCH'}: round {round_code}")
    for line in outcome.details:
        click.echo(f"  {line}")
    if not outcome.matches:
        raise SystemExit(1)


@draw_group.command("close-due")
def close_due_command():
    """Close every open round whose window has passed (pages also do this when they show a round)."""
    from .services.rounds import close_due_rounds

    for code in close_due_rounds():
        click.echo(f"closed {code}")


@draw_group.command("announce")
@click.argument("round_code")
def announce_command(round_code):
    """Tell the suppliers that ROUND_CODE is open (what its opening queued); nobody is told twice."""
    from .services.round_opening import announce_round
    from .services.rounds import get_round

    try:
        round_id = get_round(round_code).id
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"told {announce_round(round_id)} suppliers of round {round_code}")


@draw_group.command("results")
@click.argument("round_code")
@click.argument("stage", type=click.Choice(["eligibility", "selection"]))
def results_command(round_code, stage):
    """Tell the applicants of ROUND_CODE their results at STAGE (what closing or publishing queued)."""
    from .services.round_opening import tell_results
    from .services.rounds import get_round

    try:
        round_id = get_round(round_code).id
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"told the applicants of {tell_results(round_id, stage)} applications of round {round_code}")


@draw_group.command("remind")
def remind_command():
    """Send the dated reminders due now (the worker does this every hour)."""
    from .services.reminders import send_reminders

    click.echo(f"{send_reminders()} new notifications")


@draw_group.command("open-small-batch")
@click.option("--month", default="", help="YYYY-MM (a Seoul month); this month when not given.")
def open_small_batch_command(month):
    """Open a month's small-value batch, made like the latest batch before it (the worker does this for the
    current month every hour); nothing changes when it is already open."""
    from .domain.small_track import batch_month
    from .services.rounds import now
    from .services.small_track import open_batch

    try:
        year, number = (int(part) for part in month.split("-")) if month else batch_month(now())
        round_ = open_batch(None, year, number)
    except ValueError as error:
        raise click.BadParameter("give the month as YYYY-MM, for example 2026-12", param_hint="--month") from error
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{round_.code}: {round_.status}, {round_.opens_at.isoformat()} to {round_.closes_at.isoformat()}")


COMMANDS = [draw_group]
