"""What a referral says about the client, at rest: rows from before, the migration, and rotate-keys.

On SQLite and PostgreSQL: a referral and a step written as revision 0004 kept them
(the note, the shared content, the outcome, the step's reason and the message to
the partner in plain text)
read unchanged after migration 0005, and one rotation leaves each of them sealed
under the newest data key, readable after the old key is gone.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

import referral
from referral.models import PARTNER_OUTBOX, Base, Referral, Step
from tiimi_shared import migrations, sealed
from tiimi_shared.database import make_engine

pytestmark = pytest.mark.integration

MIGRATIONS = Path(referral.__file__).parent / "migrations"
NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
SHARE = {"basic": {"name": "Maija Meikäläinen", "phone": "+358 40 123 4567"},
         "assessment": "Asunnoton syyskuusta, tarvitsee tukiasunnon."}
OUTCOME = {"summary": "Maija sai tukiasunnon Hervannasta."}
PLAINTEXT = ("Maija", "358 40", "Asunnoton", "Hervanta", "Hervannasta", "Maija muutti")


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    migrations.upgrade(MIGRATIONS, database_url, "0004")
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def message(referral_id: str) -> dict[str, object]:
    """A message to the partner as the partner outbox keeps it, with the content shared."""
    return {"type": "referral_requested", "data": {"referral_id": referral_id, "shared": SHARE}}


def write_as_before(engine: sa.Engine) -> str:
    tables = sa.MetaData()
    referrals, steps, partner_outbox = (sa.Table(name, tables, autoload_with=engine)
                                        for name in ("referrals", "referral_steps", "partner_outbox"))
    referral_id = str(uuid.uuid4())
    with engine.begin() as connection:
        connection.execute(referrals.insert(), {
            "id": referral_id, "client_id": str(uuid.uuid4()), "requesting_organisation": "0123456-7",
            "requested_by": "sw-1", "target_organisation": "7654321-0", "service": "housing",
            "priority": "routine", "reason": "Maija tarvitsee asunnon Hervannasta", "share": SHARE,
            "shared": {"basic": str(uuid.uuid4())}, "withheld": {}, "status": "completed", "outcome": OUTCOME,
            "accept_by": NOW + timedelta(days=3), "escalate_by": NOW + timedelta(days=5), "created_at": NOW})
        connection.execute(steps.insert(), {
            "referral_id": referral_id, "kind": "status", "from_status": "in_progress",
            "to_status": "on_hold",
            "at": NOW, "by": "partner-1", "reason": "Maija muutti väliaikaisesti", "detail": {}})
        connection.execute(partner_outbox.insert(), {
            "event_id": str(uuid.uuid4()), "event_type": "referral_requested", "created_at": NOW,
            "published_at": NOW, "attempts": 1,
            "envelope": message(referral_id)})
    return referral_id


def raw_values(engine: sa.Engine) -> list[str]:
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT reason, share, outcome FROM referrals")).all()
        rows += connection.execute(sa.text("SELECT reason FROM referral_steps")).all()
        rows += connection.execute(sa.text("SELECT envelope FROM partner_outbox")).all()
    return [str(value) for row in rows for value in row if value is not None]


def read(engine: sa.Engine, referral_id: str) -> tuple[object, ...]:
    with Session(engine) as session:
        found = session.get_one(Referral, referral_id)
        step = session.scalars(sa.select(Step).where(Step.referral_id == referral_id)).one()
        message = session.execute(sa.select(PARTNER_OUTBOX.c.envelope)).scalar_one()
        return found.reason, found.share, found.outcome, found.shared, step.reason, message


def test_rows_from_before_read_unchanged_and_rotation_seals_them_all(engine, database_url):
    referral_id = write_as_before(engine)
    migrations.upgrade(MIGRATIONS, database_url)
    old, new = sealed.new_key(), sealed.new_key()
    both = sealed.Keyring([("new", new), ("old", old)])

    with sealed.using(both):
        before = read(engine, referral_id)
        assert before[:3] == ("Maija tarvitsee asunnon Hervannasta", SHARE, OUTCOME)
        assert before[4] == "Maija muutti väliaikaisesti"
        assert before[5] == message(referral_id)

        report = sealed.rotate_until_done(engine, Base.metadata, both)[-1]
        assert report.outside_newest == 0 and not report.unreadable

    stored = raw_values(engine)
    assert len(stored) == 5 and all(sealed.key_of(value) == "new" for value in stored)
    assert not [text for text in PLAINTEXT if any(text in value for value in stored)]
    with sealed.using(sealed.Keyring([("new", new)])):  # the old key retired
        assert read(engine, referral_id) == before


def test_a_referral_written_now_is_sealed_and_an_unset_outcome_stays_null(engine, database_url):
    migrations.upgrade(MIGRATIONS, database_url)
    with sealed.using(sealed.Keyring([("k1", sealed.new_key())])):
        with Session(engine) as session:
            session.add(Referral(
                id="r-1", client_id="c-1", requesting_organisation="0123456-7", requested_by="sw-1",
                target_organisation="7654321-0", service="housing", priority="routine", reason="Maija",
                share=SHARE, shared={}, withheld={}, status="draft", outcome=None, accept_by=NOW,
                escalate_by=NOW, created_at=NOW))
            session.commit()
        with engine.connect() as connection:
            reason, share, outcome = connection.execute(
                sa.text("SELECT reason, share, outcome FROM referrals")).one()
        assert sealed.key_of(reason) == sealed.key_of(share) == "k1" and outcome is None
        assert read_referral(engine) == ("Maija", SHARE, None)


def read_referral(engine: sa.Engine) -> tuple[object, ...]:
    with Session(engine) as session:
        found = session.get_one(Referral, "r-1")
        return found.reason, found.share, found.outcome
