"""The disclosure log's hash chain, as pure functions.

Each entry's hash covers its own fields and the hash of the entry before it,
so changing any row breaks its own hash and removing one breaks the link of
the next. The head (the newest sequence number and hash, kept apart) shows
when the newest rows are removed.

Entries are written unchained, each in the transaction of the decision it
records, so that no two decisions wait on each other; a sequencer later chains
them in batches (``chain``): it gives each its ``seq``, ``prev_hash`` and
``hash`` in the order it was handed them, and moves the head on. Until then an
entry is durable but not yet protected by the chain, and ``verify`` counts it
apart.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64

HASHED_FIELDS = (
    "seq", "entry_id", "kind", "at", "client_id", "organisation", "professional",
    "category", "purpose", "outcome", "reason", "consent_id", "denial_id", "correlation_id",
    "legal_basis", "recipient_kind", "justification",
)
# Fields the hash covers only when they are set: a disclosure on a statutory basis sets them, and
# every entry written before they existed hashes as it did, so the chain still verifies.
WHEN_SET = frozenset({"legal_basis", "recipient_kind", "justification"})


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


def entry_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    body = json.dumps({name: _canonical(entry[name]) for name in HASHED_FIELDS
                       if name not in WHEN_SET or entry.get(name) is not None},
                      sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


@dataclass(slots=True)
class Entry:
    """One decision or disclosure as the log holds it; ``seq``, ``prev_hash`` and ``hash`` stay
    None until the sequencer chains it (``id`` is its insertion id, None until it is written)."""

    entry_id: str
    kind: str
    at: datetime
    client_id: str | None
    organisation: str | None
    professional: str | None
    category: str | None
    purpose: str | None
    outcome: str
    reason: str
    consent_id: str | None
    denial_id: str | None
    correlation_id: str | None
    # A disclosure on a statutory basis: the basis, the kind of recipient, and why, in words.
    legal_basis: str | None = None
    recipient_kind: str | None = None
    justification: str | None = None
    seq: int | None = None
    prev_hash: str | None = None
    hash: str | None = None
    id: int | None = None

    @property
    def chained(self) -> bool:
        return self.seq is not None


@dataclass(frozen=True)
class Head:
    """The newest chained entry: its sequence number and hash (0 and GENESIS for an empty chain)."""

    seq: int = 0
    hash: str = GENESIS


@dataclass(frozen=True)
class Link:
    """What chaining gives one entry, known by its insertion id: its place and hashes."""

    id: int
    seq: int
    prev_hash: str
    hash: str


def chain(head: Head, entries: Sequence[Mapping[str, Any]]) -> tuple[list[Link], Head]:
    """Chain ``entries`` (each with its ``id`` and hashed fields but ``seq``) after ``head``, in
    the order given; the links to store, and the new head."""
    links: list[Link] = []
    seq, prev_hash = head.seq, head.hash
    for entry in entries:
        seq += 1
        digest = entry_hash(prev_hash, {**entry, "seq": seq})
        links.append(Link(id=entry["id"], seq=seq, prev_hash=prev_hash, hash=digest))
        prev_hash = digest
    return links, Head(seq, prev_hash)


@dataclass(frozen=True)
class Problem:
    seq: int
    problem: str  # changed, missing, broken_link, head_mismatch

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "problem": self.problem}


def verify(entries: Iterable[Mapping[str, Any]], head_seq: int, head_hash: str) -> list[Problem]:
    """Every place the chain of chained entries (read in seq order) does not hold, in order;
    empty when it is intact."""
    problems: list[Problem] = []
    expected_seq = 1
    prev_hash = GENESIS
    for entry in entries:
        seq = entry["seq"]
        if seq != expected_seq:
            problems.extend(Problem(missing, "missing") for missing in range(expected_seq, seq))
        if entry["prev_hash"] != prev_hash:
            problems.append(Problem(seq, "broken_link"))
        if entry_hash(entry["prev_hash"], entry) != entry["hash"]:
            problems.append(Problem(seq, "changed"))
        prev_hash = entry["hash"]
        expected_seq = seq + 1
    last_seq = expected_seq - 1
    if head_seq > last_seq:
        problems.extend(Problem(missing, "missing") for missing in range(last_seq + 1, head_seq + 1))
    if head_seq != last_seq or head_hash != prev_hash:
        problems.append(Problem(head_seq, "head_mismatch"))
    return problems
