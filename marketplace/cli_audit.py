"""flask audit verify: walk the hash-chained audit trail and point to the first broken link."""

from __future__ import annotations

import click


@click.group("audit")
def audit_group():
    """Check the audit trail."""


@audit_group.command("verify")
@click.option("--batch", default=5000, show_default=True, help="Events read per round trip.")
def verify_command(batch):
    """Recompute every audit event's hash in chain order; exit 1 at the first broken link."""
    from .services.audit import verify_chain

    check = verify_chain(batch)
    if check.intact:
        click.echo(f"INTACT: {check.links} events, head {check.head_seq} {check.head_hash}")
        return
    click.echo(f"BROKEN at event {check.broken_at}: {check.problem}")
    click.echo(f"  the chain is intact up to event {check.head_seq} ({check.head_hash})")
    raise SystemExit(1)


COMMANDS = [audit_group]
