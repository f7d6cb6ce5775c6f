"""The recheck timer and a consent event racing to activate the same pending member.

Both paths run the team's use cases on a real database (SQLite, then PostgreSQL),
each in its own green thread, as the timer and the event handler do in the
service. Each reads the member as pending, then asks consent outside any
transaction; the test's consent gate answers neither until both have asked, so
both have read the member as pending before either writes. Then each path's
write re-reads the member; once a path has read it there, the test holds it for
up to ``HOLD`` seconds for the other to read it too (it is let go at once when
the other arrives). With the member's row locked for the write, the other
cannot read it until the first has committed, and then finds it active: one
activation, one event. Without the lock both would find it pending and both
activate it (on PostgreSQL; SQLite's units of work take turns anyway).
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

import eventlet
import eventlet.semaphore
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

import team
from team import schemas, use_cases
from team.identity import PersonalIdentityCodes, new_keys
from team.models import Member, Team
from team.repository import Members, TeamUnitOfWork
from tiimi_shared import contracts
from tiimi_shared.database import OUTBOX, make_engine
from tiimi_shared.schemas import load
from tiimi_shared.testing.fixtures import migrate
from tiimi_shared.vocabulary import MemberStatus

from .test_use_cases import COUNTY, HETU, KEY_WORKER, NGO, NOW, granted

pytestmark = pytest.mark.integration

MIGRATIONS = Path(team.__file__).parent / "migrations"
HOLD = 1.0  # seconds a path that has read the member waits for the other to read it too
NGO_WORKER = {"professional_id": "ngo-77", "name": "N. N.", "organisation": NGO, "role": "ngo_worker"}


class Rendezvous:
    """Where the two paths wait for each other after re-reading the member; counts who came."""

    def __init__(self) -> None:
        self.arrived: list[RacingPath] = []
        self._both = threading.Event()

    def arrive(self, path: RacingPath) -> None:
        self.arrived.append(path)
        if len(self.arrived) >= 2:
            self._both.set()
        self._both.wait(HOLD)


class RacingPath:
    """One path's consent gate and units of work.

    The gate says yes only once both paths have asked. Its units of work stop at
    the rendezvous when, after asking, they read the member as pending.
    """

    def __init__(self, sessions: sessionmaker[Session], lock: Any, asked: threading.Barrier,
                 rendezvous: Rendezvous, member_id: str):
        self.sessions, self.lock = sessions, lock
        self.asked, self.rendezvous, self.member_id = asked, rendezvous, member_id
        self.has_asked = False

    def permits_all(self, client_id: str, requests: list[dict[str, Any]]) -> bool:
        self.has_asked = True
        self.asked.wait()  # raises if the other path never asks
        return True

    def unit_of_work(self) -> TeamUnitOfWork:
        return RacingUnitOfWork(self, self.sessions, source="team", registry=contracts.registry,
                                lock=self.lock)


class RacingUnitOfWork(TeamUnitOfWork):
    def __init__(self, path: RacingPath, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.path = path

    def __enter__(self) -> Self:
        super().__enter__()
        self.members = WatchedMembers(self.session, self.path)
        return self


class WatchedMembers(Members):
    def __init__(self, session: Session, path: RacingPath):
        super().__init__(session)
        self.path = path

    def awaiting_consent(self, **criteria: Any) -> list[tuple[Team, Member]]:
        found = super().awaiting_consent(**criteria)
        if self.path.has_asked and any(member.id == self.path.member_id
                                       and member.status == MemberStatus.PENDING_CONSENT
                                       for _, member in found):
            self.path.rendezvous.arrive(self.path)
        return found


class Pending:
    """No answer from consent: the member is left pending."""

    def permits_all(self, client_id: str, requests: list[dict[str, Any]]) -> None:
        return None


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(migrate(MIGRATIONS, database_url))
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


def test_the_timer_and_a_grant_racing_activate_a_pending_member_once_with_one_event(
        sessions: sessionmaker[Session]) -> None:
    # SQLite's units of work take turns behind a green lock in the service (tiimi_shared.database).
    lock = eventlet.semaphore.Semaphore(1) if sessions.kw["bind"].dialect.name == "sqlite" else None

    def unit_of_work() -> TeamUnitOfWork:
        return TeamUnitOfWork(sessions, source="team", registry=contracts.registry, lock=lock)

    codes = PersonalIdentityCodes(*new_keys())
    client = use_cases.register_client(unit_of_work, load(schemas.RegisterClient, {
        "name": "Matti Meikäläinen", "personal_identity_code": HETU, "preferred_language": "fi",
        "contact": {}, "municipality": "837", "registered_by": "sw-1001"}), codes=codes, now=NOW)
    view = use_cases.create_team(unit_of_work, load(schemas.CreateTeam, {
        "client_id": client.id, "organisation": COUNTY, "key_worker": KEY_WORKER,
        "created_by": "sw-1001"}), now=NOW)
    member = use_cases.add_member(unit_of_work, load(schemas.AddMember, {
        "team_id": view.team.id, "kind": "professional", "professional": NGO_WORKER,
        "added_by": "sw-1001"}), gate=Pending(), now=NOW)
    assert member.status == MemberStatus.PENDING_CONSENT

    asked, rendezvous = threading.Barrier(2, timeout=10), Rendezvous()
    timer = RacingPath(sessions, lock, asked, rendezvous, member.id)
    handler = RacingPath(sessions, lock, asked, rendezvous, member.id)
    event = granted(client.id)
    rechecked = eventlet.spawn(use_cases.recheck_pending, timer.unit_of_work, gate=timer)
    handled = eventlet.spawn(use_cases.consent_granted, handler.unit_of_work, event, gate=handler)
    activated_by_timer = rechecked.wait()
    handled.wait()

    assert timer.has_asked and handler.has_asked  # both read the member as pending before either wrote
    with unit_of_work() as uow:
        assert uow.members.get(view.team.id, member.id).status == MemberStatus.ACTIVE
        assert uow.processed(event.consumer, event.id)  # the grant was handled, not lost
        envelopes = uow.session.scalars(sa.select(OUTBOX.c.envelope).where(
            OUTBOX.c.event_type == contracts.MEMBER_ACTIVATED.name)).all()
    assert [envelope["data"]["member_id"] for envelope in envelopes] == [member.id]
    (first,) = rendezvous.arrived  # under the lock only the first found it pending still
    assert activated_by_timer == (1 if first is timer else 0)
