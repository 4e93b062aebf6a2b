"""Hash chains: each link stores the SHA-256 of its canonical content and of the link before it.

A rewritten, inserted or removed link breaks every hash after it, so anyone who kept a later link's
hash (the public page lists each day's last one) can tell that history was changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

GENESIS = "0" * 64


def canonical(content: Mapping[str, object]) -> str:
    """Canonical JSON: UTF-8, keys sorted, no spaces, no ASCII escaping."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def link_hash(previous: str, content: Mapping[str, object]) -> str:
    """SHA-256 (hex) of the previous link's hash, a newline, and this link's canonical content."""
    return hashlib.sha256(f"{previous}\n{canonical(content)}".encode()).hexdigest()


@dataclass(frozen=True)
class Link:
    """One stored link: its position, the hashes it stores, and its content as read back."""

    seq: int
    prev_hash: str
    hash: str
    content: Mapping[str, object]


@dataclass(frozen=True)
class ChainCheck:
    """What a walk over a chain found: how many links, the last good one, and the first break if any."""

    links: int
    head_seq: int
    head_hash: str
    broken_at: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def check_links(links: Iterable[Link]) -> ChainCheck:
    """Walk links in seq order from 1 and return where the chain first breaks (positions, hashes, content)."""
    expected_seq, previous, count = 1, GENESIS, 0
    for link in links:
        if link.seq != expected_seq:
            return ChainCheck(
                count,
                expected_seq - 1,
                previous,
                expected_seq,
                f"link {expected_seq} is missing (next stored is {link.seq})",
            )
        if link.prev_hash != previous:
            return ChainCheck(
                count, link.seq - 1, previous, link.seq, f"link {link.seq} does not point to link {link.seq - 1}"
            )
        if link_hash(previous, link.content) != link.hash:
            return ChainCheck(
                count, link.seq - 1, previous, link.seq, f"link {link.seq} was changed after it was written"
            )
        previous, expected_seq, count = link.hash, expected_seq + 1, count + 1
    return ChainCheck(count, expected_seq - 1, previous)
