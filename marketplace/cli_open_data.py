"""flask ocds backfill: releases for rounds opened before releases were kept."""

from __future__ import annotations

import click


@click.group("ocds")
def ocds():
    """Open data (OCDS)."""


@ocds.command("backfill")
def backfill_command():
    """Write a release for each round that has none yet, as it stands now, and one with what a round's releases
    lack of it (safe to run again)."""
    from .services.ocds_backfill import backfill

    click.echo(f"{backfill()} round(s) given a release")


COMMANDS = [ocds]
