"""flask audit verify: walk the hash-chained audit trail and quota ledger, and point to a broken link."""

from __future__ import annotations

import click


@click.group("audit")
def audit_group():
    """Check the audit trail."""


@audit_group.command("verify")
@click.option("--batch", default=5000, show_default=True, help="Events read per round trip.")
def verify_command(batch):
    """Recompute every audit event's and ledger entry's hash in chain order; exit 1 at a broken link."""
    from .services.chains import verify_chain

    broken = False
    for name, noun in (("audit", "events"), ("ledger", "ledger entries")):
        check = verify_chain(name, batch)
        if check.intact:
            click.echo(f"INTACT {name}: {check.links} {noun}, head {check.head_seq} {check.head_hash}")
            continue
        broken = True
        click.echo(f"BROKEN {name} at link {check.broken_at}: {check.problem}")
        click.echo(f"  the {name} chain is intact up to link {check.head_seq} ({check.head_hash})")
    if broken:
        raise SystemExit(1)


COMMANDS = [audit_group]
