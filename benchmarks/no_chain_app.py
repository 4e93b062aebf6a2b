"""Bench-only: the app with audit events and ledger entries inserted without their hash chain.

benchmarks/bench_orders.py serves this beside the real app to measure what the chain costs. The rows go in
as the use cases made them, with a random unique seq and no hashes: no head row is read, locked or
updated, nothing is hashed. Never a production setting: it exists only here, for the comparison.
"""

import secrets

from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace import create_app
from marketplace.services import chains

UNCHAINED = "0" * 64

event.remove(Session, "before_commit", chains._chain_pending)


@event.listens_for(Session, "before_commit")
def _insert_unchained(session: Session) -> None:
    pending = session.info.pop(chains._PENDING, None)
    if not pending:
        return
    for row in pending:
        row.seq, row.prev_hash, row.hash = -secrets.randbits(62), UNCHAINED, UNCHAINED
    session.add_all(pending)
    session.flush()


app = create_app()
