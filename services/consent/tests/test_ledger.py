"""The disclosure log's hash chain, checked on plain dicts: no database."""
from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from consent import ledger
from consent.ledger import GENESIS, Problem

START = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
HELSINKI = timezone(timedelta(hours=3))


def fields(seq: int) -> dict:
    """The hashed fields of the seq'th entry; each entry differs from the others."""
    return {
        "seq": seq,
        "entry_id": f"entry-{seq}",
        "kind": "decision" if seq % 2 else "disclosure",
        "at": START + timedelta(minutes=seq),
        "client_id": "client-1",
        "organisation": "home-care",
        "professional": "anna" if seq % 3 == 0 else None,
        "category": "health",
        "purpose": "care_planning",
        "outcome": "permit",
        "reason": "permitted",
        "consent_id": f"consent-{seq}",
        "denial_id": None,
        "correlation_id": f"corr-{seq}",
        # Set on every fourth entry: a disclosure on a statutory basis.
        "legal_basis": "threat_to_life_or_health" if seq % 4 == 0 else None,
        "recipient_kind": "police" if seq % 4 == 0 else None,
        "justification": f"reason {seq}" if seq % 4 == 0 else None,
    }


def chain(length: int) -> list[dict]:
    """An intact chain of ``length`` entries, linked from GENESIS."""
    entries = []
    prev_hash = GENESIS
    for seq in range(1, length + 1):
        entry = fields(seq)
        entry["prev_hash"] = prev_hash
        entry["hash"] = ledger.entry_hash(prev_hash, entry)
        entries.append(entry)
        prev_hash = entry["hash"]
    return entries


def head(entries: list[dict]) -> tuple[int, str]:
    return (entries[-1]["seq"], entries[-1]["hash"]) if entries else (0, GENESIS)


def rehash_from(entries: list[dict], index: int) -> None:
    """What a careful forger does: relink and rehash every entry from ``index`` on."""
    prev_hash = entries[index - 1]["hash"] if index else GENESIS
    for entry in entries[index:]:
        entry["prev_hash"] = prev_hash
        entry["hash"] = ledger.entry_hash(prev_hash, entry)
        prev_hash = entry["hash"]


# -- entry_hash -----------------------------------------------------------------------------


def test_the_fields_chained_are_those_of_a_log_entry():
    assert set(ledger.HASHED_FIELDS) == set(fields(1))
    assert len(ledger.HASHED_FIELDS) == len(set(ledger.HASHED_FIELDS))


def test_an_entry_hash_is_a_sha256_hex_digest_like_genesis():
    digest = ledger.entry_hash(GENESIS, fields(1))

    assert len(digest) == len(GENESIS) == 64
    assert int(digest, 16) >= 0
    assert digest != GENESIS


def test_the_same_entry_hashes_the_same_every_time():
    assert ledger.entry_hash(GENESIS, fields(1)) == ledger.entry_hash(GENESIS, dict(fields(1)))


def test_the_hash_covers_the_previous_hash():
    assert ledger.entry_hash(GENESIS, fields(1)) != ledger.entry_hash("f" * 64, fields(1))


@pytest.mark.parametrize("name", ledger.HASHED_FIELDS)
def test_the_hash_covers_every_hashed_field(name):
    original = fields(1)
    changed = dict(original)
    changed[name] = START - timedelta(days=1) if name == "at" else (
        99 if name == "seq" else f"forged-{original[name]}")

    assert ledger.entry_hash(GENESIS, changed) != ledger.entry_hash(GENESIS, original)


def test_fields_outside_the_hash_do_not_change_it():
    entry = fields(1)

    with_extras = entry | {"prev_hash": "whatever", "hash": "whatever", "note": "not chained"}

    assert ledger.entry_hash(GENESIS, with_extras) == ledger.entry_hash(GENESIS, entry)


def test_the_same_instant_in_another_time_zone_hashes_the_same():
    utc = fields(1)
    helsinki = utc | {"at": utc["at"].astimezone(HELSINKI)}

    assert helsinki["at"] == utc["at"]
    assert helsinki["at"].utcoffset() != utc["at"].utcoffset()
    assert ledger.entry_hash(GENESIS, helsinki) == ledger.entry_hash(GENESIS, utc)


def test_a_different_instant_hashes_differently_even_with_the_same_wall_clock():
    utc = fields(1)
    same_wall_clock_in_helsinki = utc | {"at": utc["at"].replace(tzinfo=HELSINKI)}

    assert ledger.entry_hash(GENESIS, same_wall_clock_in_helsinki) != ledger.entry_hash(GENESIS, utc)


def test_a_chain_read_back_in_another_time_zone_still_verifies():
    entries = chain(3)
    read_back = [entry | {"at": entry["at"].astimezone(HELSINKI)} for entry in entries]

    assert ledger.verify(read_back, *head(entries)) == []


def test_an_entry_without_a_legal_basis_hashes_as_entries_did_before_the_field_existed():
    before = ("seq", "entry_id", "kind", "at", "client_id", "organisation", "professional", "category",
              "purpose", "outcome", "reason", "consent_id", "denial_id", "correlation_id")
    entry = fields(1)
    body = json.dumps({name: entry[name].isoformat() if name == "at" else entry[name] for name in before},
                      sort_keys=True, separators=(",", ":"))

    assert ledger.entry_hash(GENESIS, entry) == hashlib.sha256((GENESIS + body).encode()).hexdigest()
    without = {name: entry[name] for name in before}
    assert ledger.entry_hash(GENESIS, without) == ledger.entry_hash(GENESIS, entry)


@pytest.mark.parametrize("name", sorted(ledger.WHEN_SET))
def test_a_statutory_field_set_or_changed_changes_the_hash(name):
    statutory = fields(4)
    cleared = statutory | {name: None}
    changed = statutory | {name: "forged"}

    hashes = {ledger.entry_hash(GENESIS, entry) for entry in (statutory, cleared, changed)}

    assert len(hashes) == 3


def test_a_hash_missing_a_field_cannot_be_computed():
    entry = fields(1)
    del entry["correlation_id"]

    with pytest.raises(KeyError):
        ledger.entry_hash(GENESIS, entry)


# -- verify: intact chains ------------------------------------------------------------------


@pytest.mark.parametrize("length", [1, 2, 5])
def test_an_intact_chain_has_no_problems(length):
    entries = chain(length)

    assert ledger.verify(entries, *head(entries)) == []


def test_an_empty_chain_with_a_genesis_head_is_intact():
    assert ledger.verify([], 0, GENESIS) == []


def test_the_first_entry_links_to_genesis():
    assert chain(1)[0]["prev_hash"] == GENESIS


def test_verify_reads_entries_from_any_iterable_once():
    entries = chain(4)

    assert ledger.verify(iter(entries), *head(entries)) == []


def test_a_problem_reads_as_a_dict_for_the_report():
    assert Problem(3, "changed").as_dict() == {"seq": 3, "problem": "changed"}


# -- verify: changed entries ----------------------------------------------------------------


@pytest.mark.parametrize(("name", "forged"), [
    ("outcome", "deny"),
    ("organisation", "hospital"),
    ("professional", "mallory"),
    ("at", START - timedelta(days=1)),
    ("consent_id", None),
])
def test_changing_a_field_of_a_middle_entry_shows_that_entry_changed(name, forged):
    entries = chain(5)
    head_seq, head_hash = head(entries)
    entries[2][name] = forged

    assert ledger.verify(entries, head_seq, head_hash) == [Problem(3, "changed")]


def test_changing_the_first_entry_shows_it_changed():
    entries = chain(3)
    head_seq, head_hash = head(entries)
    entries[0]["reason"] = "denied_by_client"

    assert ledger.verify(entries, head_seq, head_hash) == [Problem(1, "changed")]


def test_changing_the_last_entry_shows_it_changed():
    entries = chain(3)
    head_seq, head_hash = head(entries)
    entries[-1]["reason"] = "denied_by_client"

    assert ledger.verify(entries, head_seq, head_hash) == [Problem(3, "changed")]


def test_changing_two_entries_shows_both_in_order():
    entries = chain(5)
    head_seq, head_hash = head(entries)
    entries[1]["outcome"] = "deny"
    entries[3]["outcome"] = "deny"

    assert ledger.verify(entries, head_seq, head_hash) == [Problem(2, "changed"), Problem(4, "changed")]


def test_rewriting_an_entrys_stored_hash_breaks_the_link_to_it():
    entries = chain(4)
    head_seq, head_hash = head(entries)
    entries[1]["hash"] = "f" * 64

    assert ledger.verify(entries, head_seq, head_hash) == [Problem(2, "changed"), Problem(3, "broken_link")]


def test_changing_an_entry_and_recomputing_its_hash_breaks_the_next_link():
    entries = chain(4)
    head_seq, head_hash = head(entries)
    entries[1]["outcome"] = "deny"
    entries[1]["hash"] = ledger.entry_hash(entries[1]["prev_hash"], entries[1])

    assert ledger.verify(entries, head_seq, head_hash) == [Problem(3, "broken_link")]


def test_changing_an_entry_and_rehashing_the_rest_is_caught_by_the_head():
    entries = chain(4)
    head_seq, head_hash = head(entries)
    entries[1]["outcome"] = "deny"
    rehash_from(entries, 1)

    assert ledger.verify(entries, head_seq, head_hash) == [Problem(4, "head_mismatch")]


def test_changing_an_entrys_prev_hash_shows_a_broken_link_and_a_change():
    entries = chain(4)
    head_seq, head_hash = head(entries)
    entries[2]["prev_hash"] = "f" * 64

    assert ledger.verify(entries, head_seq, head_hash) == [Problem(3, "broken_link"), Problem(3, "changed")]


# -- verify: removed and reordered entries --------------------------------------------------


def test_deleting_a_middle_entry_shows_it_missing_and_the_next_link_broken():
    entries = chain(5)
    head_seq, head_hash = head(entries)
    del entries[2]

    assert ledger.verify(entries, head_seq, head_hash) == [Problem(3, "missing"), Problem(4, "broken_link")]


def test_deleting_several_middle_entries_shows_each_missing():
    entries = chain(6)
    head_seq, head_hash = head(entries)
    del entries[1:4]

    assert ledger.verify(entries, head_seq, head_hash) == [
        Problem(2, "missing"), Problem(3, "missing"), Problem(4, "missing"), Problem(5, "broken_link")]


def test_deleting_the_first_entry_shows_it_missing_and_the_link_to_genesis_broken():
    entries = chain(3)
    head_seq, head_hash = head(entries)
    del entries[0]

    assert ledger.verify(entries, head_seq, head_hash) == [Problem(1, "missing"), Problem(2, "broken_link")]


def test_deleting_the_last_entry_is_caught_by_the_head():
    entries = chain(5)
    head_seq, head_hash = head(entries)
    del entries[-1]

    assert ledger.verify(entries, head_seq, head_hash) == [Problem(5, "missing"), Problem(5, "head_mismatch")]


def test_deleting_the_last_entries_is_caught_by_the_head():
    entries = chain(5)
    head_seq, head_hash = head(entries)
    del entries[-2:]

    assert ledger.verify(entries, head_seq, head_hash) == [
        Problem(4, "missing"), Problem(5, "missing"), Problem(5, "head_mismatch")]


def test_deleting_every_entry_is_caught_by_the_head():
    entries = chain(3)
    head_seq, head_hash = head(entries)

    assert ledger.verify([], head_seq, head_hash) == [
        Problem(1, "missing"), Problem(2, "missing"), Problem(3, "missing"), Problem(3, "head_mismatch")]


def test_deleting_the_last_entry_and_its_head_record_leaves_a_chain_that_verifies():
    # The head is the only witness of the newest rows: it must be kept apart from them.
    entries = chain(5)
    del entries[-1]

    assert ledger.verify(entries, *head(entries)) == []


def test_a_head_ahead_of_the_chain_by_hash_only_is_a_mismatch():
    entries = chain(3)

    assert ledger.verify(entries, 3, "f" * 64) == [Problem(3, "head_mismatch")]


@pytest.mark.parametrize(("head_seq", "expected"), [
    (5, [Problem(4, "missing"), Problem(5, "missing"), Problem(5, "head_mismatch")]),
    (2, [Problem(2, "head_mismatch")]),
])
def test_a_head_with_the_right_hash_but_another_seq_is_a_mismatch(head_seq, expected):
    entries = chain(3)

    assert ledger.verify(entries, head_seq, entries[-1]["hash"]) == expected


def test_entries_beyond_the_head_are_a_mismatch():
    entries = chain(4)

    assert ledger.verify(entries, *head(entries[:3])) == [Problem(3, "head_mismatch")]


def test_a_non_empty_chain_against_a_genesis_head_is_a_mismatch():
    assert ledger.verify(chain(2), 0, GENESIS) == [Problem(0, "head_mismatch")]


def test_reading_two_entries_out_of_order_is_caught_as_gaps_and_broken_links():
    # verify expects entries in seq order (the repository reads them so); out of order,
    # each entry is reported where it is met, and none of them is changed.
    entries = chain(4)
    head_seq, head_hash = head(entries)
    entries[1], entries[2] = entries[2], entries[1]

    assert ledger.verify(entries, head_seq, head_hash) == [
        Problem(2, "missing"), Problem(3, "broken_link"), Problem(2, "broken_link"),
        Problem(3, "missing"), Problem(4, "broken_link")]


def test_swapping_the_contents_of_two_entries_under_their_seq_numbers_is_caught():
    entries = chain(4)
    head_seq, head_hash = head(entries)
    second, third = entries[1], entries[2]
    for name in ledger.HASHED_FIELDS:
        if name != "seq":
            second[name], third[name] = third[name], second[name]

    assert ledger.verify(entries, head_seq, head_hash) == [Problem(2, "changed"), Problem(3, "changed")]


def test_swapping_contents_and_rehashing_the_rest_is_caught_by_the_head():
    entries = chain(4)
    head_seq, head_hash = head(entries)
    second, third = entries[1], entries[2]
    for name in ledger.HASHED_FIELDS:
        if name != "seq":
            second[name], third[name] = third[name], second[name]
    rehash_from(entries, 1)

    assert ledger.verify(entries, head_seq, head_hash) == [Problem(4, "head_mismatch")]


def test_inserting_a_forged_entry_in_the_middle_is_caught():
    entries = chain(3)
    head_seq, head_hash = head(entries)
    forged = fields(2) | {"entry_id": "forged", "prev_hash": entries[0]["hash"]}
    forged["hash"] = ledger.entry_hash(forged["prev_hash"], forged)
    entries.insert(2, forged)

    # A second entry 2, linked to entry 1, now follows the real one: its own link is
    # broken, and so is entry 3's, which no longer follows the entry it was chained to.
    assert ledger.verify(entries, head_seq, head_hash) == [
        Problem(2, "broken_link"), Problem(3, "broken_link")]


# -- chain: what the sequencer gives entries written unchained ------------------------------


def unchained(seqs: range) -> list[dict]:
    """Entries as written: an insertion id and every hashed field but seq."""
    return [{k: v for k, v in fields(seq).items() if k != "seq"} | {"id": 100 + seq} for seq in seqs]


def stored(entries: list[dict], links: list[ledger.Link]) -> list[dict]:
    """The rows once the links are written to them."""
    by_id = {link.id: link for link in links}
    return [entry | {"seq": by_id[entry["id"]].seq, "prev_hash": by_id[entry["id"]].prev_hash,
                     "hash": by_id[entry["id"]].hash} for entry in entries]


def test_chaining_from_genesis_gives_the_chain_appending_one_by_one_gave():
    links, new_head = ledger.chain(ledger.Head(), unchained(range(1, 5)))

    expected = chain(4)
    assert [(link.seq, link.prev_hash, link.hash) for link in links] == [
        (e["seq"], e["prev_hash"], e["hash"]) for e in expected]
    assert new_head == ledger.Head(4, expected[-1]["hash"])


def test_chaining_gives_seq_in_the_order_handed_whatever_the_ids():
    entries = unchained(range(1, 4))
    entries[0]["id"], entries[2]["id"] = 999, 1  # a later commit may carry a lower id

    links, _ = ledger.chain(ledger.Head(), entries)

    assert [(link.id, link.seq) for link in links] == [(999, 1), (102, 2), (1, 3)]


def test_chaining_in_batches_gives_the_same_chain_as_in_one():
    entries = unchained(range(1, 7))

    whole, whole_head = ledger.chain(ledger.Head(), entries)
    first, middle = ledger.chain(ledger.Head(), entries[:2])
    rest, last = ledger.chain(middle, entries[2:])

    assert first + rest == whole
    assert last == whole_head


def test_a_chained_batch_continues_a_chain_made_before_it_and_verifies():
    before = chain(3)  # entries chained before entries were written unchained
    written = unchained(range(4, 6))

    links, new_head = ledger.chain(ledger.Head(*head(before)), written)

    assert [link.seq for link in links] == [4, 5]
    assert ledger.verify(before + stored(written, links), new_head.seq, new_head.hash) == []


def test_chaining_nothing_leaves_the_head_where_it_was():
    start = ledger.Head(7, "a" * 64)

    assert ledger.chain(start, []) == ([], start)


def test_the_insertion_id_is_not_part_of_the_hash():
    one = unchained(range(1, 2))
    other = [one[0] | {"id": 5}]

    assert ledger.chain(ledger.Head(), one)[0][0].hash == ledger.chain(ledger.Head(), other)[0][0].hash


def test_removing_the_newest_chained_entry_after_chaining_is_caught_by_the_head():
    entries = unchained(range(1, 4))
    links, new_head = ledger.chain(ledger.Head(), entries)
    rows = stored(entries, links)

    assert ledger.verify(rows[:-1], new_head.seq, new_head.hash) == [
        Problem(3, "missing"), Problem(3, "head_mismatch")]


def test_reordering_two_chained_entries_by_swapping_their_seq_is_caught():
    entries = unchained(range(1, 5))
    links, new_head = ledger.chain(ledger.Head(), entries)
    rows = stored(entries, links)
    rows[1]["seq"], rows[2]["seq"] = rows[2]["seq"], rows[1]["seq"]
    in_seq_order = sorted(rows, key=lambda row: row["seq"])

    problems = ledger.verify(in_seq_order, new_head.seq, new_head.hash)

    assert Problem(2, "changed") in problems and Problem(3, "changed") in problems
