"""The team's use cases on in-memory fakes: no broker, no database."""
from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from team import schemas, use_cases
from team.identity import PersonalIdentityCodes, new_keys
from tiimi_shared import contracts
from tiimi_shared.errors import Conflict, NotFound, ValidationError
from tiimi_shared.events import EventType
from tiimi_shared.handlers import ReceivedEvent, consumer_key
from tiimi_shared.schemas import load
from tiimi_shared.testing.fakes import FIXED_NOW, FakeConsentGate

from .fakes import FakeTeamUnitOfWork

NOW = FIXED_NOW
LATER = NOW + timedelta(days=1)
HETU = "131052-308T"
COUNTY = "1234567-8"   # the wellbeing services county organising the team
NGO = "0123456-7"
OTHER_NGO = "7654321-0"
KEY_WORKER = {"professional_id": "sw-1001", "name": "Sari S.", "organisation": COUNTY,
              "role": "social_worker"}
TEAM_CONSENT = (["basic", "team"], "team_coordination")


@pytest.fixture
def uow() -> FakeTeamUnitOfWork:
    return FakeTeamUnitOfWork()


@pytest.fixture
def gate() -> FakeConsentGate:
    return FakeConsentGate()


@pytest.fixture
def codes() -> PersonalIdentityCodes:
    return PersonalIdentityCodes(*new_keys())


def professional(pid: str, organisation: str = COUNTY, role: str = "nurse") -> dict[str, str]:
    return {"professional_id": pid, "name": "N. N.", "organisation": organisation, "role": role}


def register(uow: FakeTeamUnitOfWork, codes: PersonalIdentityCodes, **overrides: Any) -> Any:
    command = load(schemas.RegisterClient, {
        "name": "Matti Meikäläinen", "personal_identity_code": HETU, "preferred_language": "fi",
        "contact": {"email": "matti@example.fi"}, "municipality": "837", "registered_by": "sw-1001",
    } | overrides)
    return use_cases.register_client(uow, command, codes=codes, now=NOW)


@pytest.fixture
def client_id(uow: FakeTeamUnitOfWork, codes: PersonalIdentityCodes) -> str:
    client_id: str = register(uow, codes).id
    return client_id


@pytest.fixture
def team(uow: FakeTeamUnitOfWork, client_id: str) -> use_cases.TeamView:
    return use_cases.create_team(uow, load(schemas.CreateTeam, {
        "client_id": client_id, "organisation": COUNTY, "key_worker": KEY_WORKER, "created_by": "sw-1001"}),
        now=NOW)


def add(uow: FakeTeamUnitOfWork, gate: FakeConsentGate, team: use_cases.TeamView, **member: Any) -> Any:
    command = load(schemas.AddMember, {"team_id": team.team.id, "added_by": "sw-1001"} | member)
    return use_cases.add_member(uow, command, gate=gate, now=NOW)


def add_professional(uow: FakeTeamUnitOfWork, gate: FakeConsentGate, team: use_cases.TeamView,
                     pid: str, organisation: str = COUNTY, role: str = "nurse") -> Any:
    return add(uow, gate, team, kind="professional", professional=professional(pid, organisation, role))


def status_of(uow: FakeTeamUnitOfWork, member_id: str) -> str:
    return uow.members.rows[member_id].status


def consent_event(event: EventType, client_id: str, organisation: str | None, method: str) -> ReceivedEvent:
    """A consent or denial event as the team's handler ``method`` receives it."""
    if event.name.startswith("denial"):
        by = "recorded_by" if event is contracts.DENIAL_RECORDED else "lifted_by"
        data: dict[str, Any] = {"denial_id": str(uuid.uuid4()), "client_id": client_id,
                                "organisation": organisation, "categories": ["basic"], by: "sw-1001"}
    else:
        data = {"consent_id": str(uuid.uuid4()), "client_id": client_id,
                "recipient_organisation": organisation, "professionals": [],
                "categories": ["basic", "team"], "purposes": ["team_coordination"]}
        data |= {
            "consent_granted": {"given_by": "client", "valid_from": NOW.isoformat(), "valid_until": None,
                                "recorded_by": "sw-1001"},
            "consent_withdrawn": {"withdrawn_at": NOW.isoformat(), "withdrawn_by": "sw-1001"},
            "consent_expired": {"expired_at": NOW.isoformat()},
        }[event.name]
    envelope = contracts.registry.make(event.name, data, source=event.source, occurred_at=NOW)
    return ReceivedEvent(envelope, consumer_key("team", method))


def granted(client_id: str, organisation: str = NGO) -> ReceivedEvent:
    return consent_event(contracts.CONSENT_GRANTED, client_id, organisation, "on_consent_granted")


def withdrawn(client_id: str, organisation: str = NGO) -> ReceivedEvent:
    return consent_event(contracts.CONSENT_WITHDRAWN, client_id, organisation, "on_consent_withdrawn")


# -- the client register ------------------------------------------------------------------

def test_a_registered_client_is_stored_with_the_code_encrypted_and_announced_without_it(uow, codes):
    client = register(uow, codes, contact={"email": "matti@example.fi", "phone": None})
    assert client.registered_at == NOW
    assert client.contact == {"email": "matti@example.fi"}
    assert HETU not in client.identity_ciphertext and codes.decrypt(client.identity_ciphertext) == HETU
    assert uow.published_data(contracts.CLIENT_REGISTERED) == [
        {"client_id": client.id, "registered_by": "sw-1001"}]
    assert HETU not in str(uow.published)


def test_a_second_registration_of_the_same_code_is_refused_and_announces_nothing(uow, codes):
    register(uow, codes)
    with pytest.raises(Conflict) as refused:
        register(uow, codes, name="Someone Else", personal_identity_code="131052-308t")
    assert refused.value.current_state == "registered"
    assert HETU not in str(refused.value)
    assert len(uow.clients.rows) == 1
    assert uow.published_types() == ["client_registered"]


def test_an_invalid_code_is_refused_before_anything_is_stored(uow, codes):
    with pytest.raises(ValidationError) as refused:
        register(uow, codes, personal_identity_code="131052-308X")
    assert list(refused.value.errors) == ["personal_identity_code"]
    assert uow.clients.rows == {} and uow.commits == 0


def test_a_client_is_found_by_the_code_in_any_case_and_the_code_is_revealed_only_on_request(
        uow, codes, client_id):
    found = use_cases.find_client(uow, load(schemas.FindClient, {"personal_identity_code": "131052-308t"}),
                                  codes=codes)
    assert found.id == client_id
    assert use_cases.get_client(uow, load(schemas.ClientQuery, {"client_id": client_id})).id == client_id
    revealed = use_cases.reveal_personal_identity_code(
        uow, load(schemas.RevealIdentityCode, {"client_id": client_id, "requested_by": "sw-1001",
                                               "reason": "Kela form needs it"}),
        codes=codes, now=FIXED_NOW)
    assert (revealed.client_id, revealed.personal_identity_code) == (client_id, HETU)


def test_a_reveal_is_recorded_with_who_when_and_why_before_the_code_is_given(uow, codes, client_id):
    command = load(schemas.RevealIdentityCode, {"client_id": client_id, "requested_by": "sw-1001",
                                                "reason": "Kela form needs it"})
    commits_before = uow.commits

    use_cases.reveal_personal_identity_code(uow, command, codes=codes, now=FIXED_NOW)

    (reveal,) = use_cases.identity_code_reveals(uow, load(schemas.ClientQuery, {"client_id": client_id}))
    assert (reveal.requested_by, reveal.reason, reveal.at) == ("sw-1001", "Kela form needs it", FIXED_NOW)
    assert uow.commits == commits_before + 1
    assert HETU not in str(schemas.IdentityCodeRevealOut().dump(reveal))


@pytest.mark.parametrize("reason", [None, ""])
def test_a_reveal_without_a_reason_is_refused_naming_the_field(client_id, reason):
    query = {"client_id": client_id, "requested_by": "sw-1001"}
    with pytest.raises(ValidationError) as refused:
        load(schemas.RevealIdentityCode, query if reason is None else query | {"reason": reason})
    assert list(refused.value.errors) == ["reason"]


def test_an_unknown_code_or_client_is_not_found_without_repeating_the_code(uow, codes):
    with pytest.raises(NotFound) as missing:
        use_cases.find_client(uow, load(schemas.FindClient, {"personal_identity_code": HETU}), codes=codes)
    assert HETU not in str(missing.value)
    with pytest.raises(NotFound):
        use_cases.get_client(uow, load(schemas.ClientQuery, {"client_id": str(uuid.uuid4())}))


# -- the team -----------------------------------------------------------------------------

def test_a_team_starts_proposed_with_its_key_worker_as_an_active_member(uow, client_id, team):
    assert (team.team.client_id, team.team.status) == (client_id, "proposed")
    assert [(m.professional_id, m.status) for m in team.members] == [("sw-1001", "active")]
    assert team.key_worker.professional_id == "sw-1001" and team.key_worker.ended_at is None
    assert [s.status for s in team.status_history] == ["proposed"]
    assert uow.published_types() == ["client_registered", "team_created", "member_added"]
    (created,) = uow.published_data(contracts.TEAM_CREATED)
    assert created["key_worker_id"] == "sw-1001" and created["organisation"] == COUNTY
    (added,) = uow.published_data(contracts.MEMBER_ADDED)
    assert (added["member_id"], added["status"], added["key_worker_id"]) == (
        team.members[0].id, "active", "sw-1001")


def test_a_client_has_one_team_only(uow, client_id, team):
    with pytest.raises(Conflict) as refused:
        use_cases.create_team(uow, load(schemas.CreateTeam, {
            "client_id": client_id, "organisation": COUNTY, "key_worker": KEY_WORKER,
            "created_by": "sw-1001"}), now=NOW)
    assert refused.value.current_state == "exists"
    assert len(uow.teams.rows) == 1
    assert uow.published_types().count("team_created") == 1


@pytest.mark.parametrize("key_worker, field", [
    (professional("n-1", role="nurse"), "key_worker.role"),
    (professional("sw-9", NGO, "social_worker"), "key_worker.organisation"),
])
def test_a_key_worker_must_be_a_social_welfare_professional_of_the_team(uow, client_id, key_worker, field):
    with pytest.raises(ValidationError) as refused:
        use_cases.create_team(uow, load(schemas.CreateTeam, {
            "client_id": client_id, "organisation": COUNTY, "key_worker": key_worker,
            "created_by": "sw-1001"}), now=NOW)
    assert list(refused.value.errors) == [field]
    assert uow.teams.rows == {}


def test_a_team_for_an_unknown_client_is_not_found(uow):
    with pytest.raises(NotFound):
        use_cases.create_team(uow, load(schemas.CreateTeam, {
            "client_id": str(uuid.uuid4()), "organisation": COUNTY, "key_worker": KEY_WORKER,
            "created_by": "sw-1001"}), now=NOW)


def test_a_member_of_the_team_organisation_is_active_without_asking_consent(uow, gate, team):
    nurse = add_professional(uow, gate, team, "n-1")
    assert nurse.status == "active"
    assert gate.asked == []


def test_close_ones_and_the_client_are_active_without_asking_consent(uow, gate, team):
    sister = add(uow, gate, team, kind="close_one", name="Liisa", relation="sibling",
                 contact={"phone": "+358 40 765 4321"})
    client = add(uow, gate, team, kind="client")
    assert (sister.status, client.status) == ("active", "active")
    assert sister.contact == {"phone": "+358 40 765 4321"}
    assert gate.asked == []


def test_a_member_of_another_organisation_is_active_when_consent_permits(uow, gate, team):
    gate.permit(team.team.client_id, NGO, *TEAM_CONSENT)
    worker = add_professional(uow, gate, team, "ngo-77", NGO, "ngo_worker")
    assert worker.status == "active"
    ((asked_for, requests),) = gate.asked
    assert asked_for == team.team.client_id
    assert {(r["organisation"], r["professional"], r["category"], r["purpose"]) for r in requests} == {
        (NGO, "ngo-77", "basic", "team_coordination"), (NGO, "ngo-77", "team", "team_coordination")}
    assert uow.published_data(contracts.MEMBER_ADDED)[-1]["status"] == "active"


@pytest.mark.parametrize("available", [True, False], ids=["denied", "consent service away"])
def test_a_member_of_another_organisation_waits_for_consent_when_not_clearly_permitted(
        uow, gate, team, available):
    gate.available = available
    worker = add_professional(uow, gate, team, "ngo-77", NGO, "ngo_worker")
    assert worker.status == "pending_consent"
    added = uow.published_data(contracts.MEMBER_ADDED)[-1]
    assert (added["member_id"], added["status"], added["key_worker_id"]) == (
        worker.id, "pending_consent", "sw-1001")


def test_the_same_person_cannot_join_twice(uow, gate, team):
    add_professional(uow, gate, team, "n-1")
    with pytest.raises(Conflict):
        add_professional(uow, gate, team, "n-1")
    with pytest.raises(Conflict):
        add(uow, gate, team, kind="professional", professional=KEY_WORKER)
    assert len(uow.members.of_team(team.team.id)) == 2


def test_a_closed_team_takes_no_members(uow, gate, team):
    use_cases.change_team_status(uow, load(schemas.ChangeTeamStatus, {
        "team_id": team.team.id, "status": "closed", "reason": "goals met", "changed_by": "sw-1001"}),
        now=NOW)
    with pytest.raises(Conflict) as refused:
        add_professional(uow, gate, team, "n-1")
    assert refused.value.current_state == "closed"


def remove(uow: FakeTeamUnitOfWork, team: use_cases.TeamView, member_id: str) -> Any:
    return use_cases.remove_member(uow, load(schemas.RemoveMember, {
        "team_id": team.team.id, "member_id": member_id, "removed_by": "sw-1001", "reason": "leaving"}),
        now=LATER)


def test_a_removed_member_leaves_now_and_the_key_worker_is_told(uow, gate, team):
    nurse = add_professional(uow, gate, team, "n-1")
    removed = remove(uow, team, nurse.id)
    assert (removed.status, removed.ends_on) == ("removed", LATER)
    (told,) = uow.published_data(contracts.MEMBER_REMOVED)
    assert (told["member_id"], told["key_worker_id"]) == (nurse.id, "sw-1001")


def test_a_removed_member_cannot_be_removed_again(uow, gate, team):
    nurse = add_professional(uow, gate, team, "n-1")
    remove(uow, team, nurse.id)
    with pytest.raises(Conflict) as refused:
        remove(uow, team, nurse.id)
    assert refused.value.current_state == "removed"
    assert len(uow.published_data(contracts.MEMBER_REMOVED)) == 1


def test_the_key_worker_leaves_only_through_a_handover(uow, team):
    with pytest.raises(Conflict) as refused:
        remove(uow, team, team.members[0].id)
    assert refused.value.allowed == ["hand_over"]
    assert status_of(uow, team.members[0].id) == "active"


def test_removing_a_member_of_another_team_is_not_found(uow, team):
    with pytest.raises(NotFound):
        remove(uow, team, str(uuid.uuid4()))


def hand_over(uow: FakeTeamUnitOfWork, team: use_cases.TeamView, to: dict[str, str]) -> use_cases.TeamView:
    return use_cases.hand_over(uow, load(schemas.HandOver, {
        "team_id": team.team.id, "to": to, "reason": "moves to another unit", "changed_by": "sw-1001"}),
        now=LATER)


def test_a_handover_to_a_new_professional_adds_them_and_keeps_the_history(uow, team):
    handed = hand_over(uow, team, professional("sc-2002", role="social_counsellor"))
    assert handed.key_worker.professional_id == "sc-2002"
    assert [(p.professional_id, p.ended_at, p.handover_reason) for p in handed.key_worker_history] == [
        ("sw-1001", LATER, "moves to another unit"), ("sc-2002", None, None)]
    assert [(m.professional_id, m.status) for m in handed.members] == [
        ("sw-1001", "active"), ("sc-2002", "active")]
    (changed,) = uow.published_data(contracts.KEY_WORKER_CHANGED)
    assert (changed["previous_key_worker_id"], changed["key_worker_id"]) == ("sw-1001", "sc-2002")
    assert uow.published_data(contracts.MEMBER_ADDED)[-1]["professional_id"] == "sc-2002"


def test_a_handover_to_a_member_already_in_the_team_makes_that_member_key_worker(uow, gate, team):
    member = add_professional(uow, gate, team, "sc-2002", role="nurse")
    added_before = len(uow.published_data(contracts.MEMBER_ADDED))
    handed = hand_over(uow, team, professional("sc-2002", role="social_counsellor"))
    assert handed.key_worker.member_id == member.id
    assert (member.role, member.status) == ("social_counsellor", "active")
    assert len(uow.published_data(contracts.MEMBER_ADDED)) == added_before
    assert len(handed.members) == 2


def test_a_handover_to_the_key_worker_or_a_non_social_welfare_professional_is_refused(uow, team):
    with pytest.raises(Conflict) as refused:
        hand_over(uow, team, KEY_WORKER)
    assert refused.value.current_state == "key_worker"
    with pytest.raises(ValidationError):
        hand_over(uow, team, professional("n-1", role="nurse"))
    assert uow.published_data(contracts.KEY_WORKER_CHANGED) == []
    assert uow.teams.key_worker(team.team.id).professional_id == "sw-1001"


def change_status(uow: FakeTeamUnitOfWork, team: use_cases.TeamView, status: str,
                  reason: str | None = None) -> use_cases.TeamView:
    return use_cases.change_team_status(uow, load(schemas.ChangeTeamStatus, {
        "team_id": team.team.id, "status": status, "changed_by": "sw-1001"}
        | ({"reason": reason} if reason else {})), now=LATER)


def test_closing_a_team_keeps_the_reason_and_tells_the_others(uow, team):
    assert change_status(uow, team, "active").team.status == "active"
    assert uow.published_data(contracts.TEAM_CLOSED) == []
    closed = change_status(uow, team, "closed", "goals met")
    assert (closed.team.status, closed.team.closed_reason) == ("closed", "goals met")
    assert [(s.status, s.reason) for s in closed.status_history] == [
        ("proposed", None), ("active", None), ("closed", "goals met")]
    assert uow.published_data(contracts.TEAM_CLOSED) == [
        {"team_id": team.team.id, "client_id": team.team.client_id, "closed_by": "sw-1001"}]


def test_a_status_change_the_team_cannot_make_is_refused_naming_the_allowed_ones(uow, team):
    with pytest.raises(Conflict) as refused:
        change_status(uow, team, "suspended")
    assert (refused.value.current_state, refused.value.allowed) == ("proposed", ["active", "closed"])
    assert uow.teams.get(team.team.id).status == "proposed"


def test_a_team_is_found_by_its_id_or_its_client_and_otherwise_not_found(uow, team):
    by_id = use_cases.get_team(uow, load(schemas.TeamQuery, {"team_id": team.team.id}))
    by_client = use_cases.get_team(uow, load(schemas.TeamQuery, {"client_id": team.team.client_id}))
    assert by_id.team.id == by_client.team.id == team.team.id
    with pytest.raises(NotFound):
        use_cases.get_team(uow, load(schemas.TeamQuery, {"client_id": str(uuid.uuid4())}))
    with pytest.raises(NotFound):
        use_cases.get_team(uow, load(schemas.TeamQuery, {"team_id": str(uuid.uuid4())}))


def my_clients(uow: FakeTeamUnitOfWork, professional_id: str) -> list[tuple[str, str]]:
    return [(i.team.id, i.role) for i in use_cases.my_clients(
        uow, load(schemas.ProfessionalQuery, {"professional_id": professional_id}))]


def test_my_clients_lists_open_teams_of_key_workers_and_active_members_only(uow, gate, team):
    add_professional(uow, gate, team, "n-1")
    add_professional(uow, gate, team, "ngo-77", NGO, "ngo_worker")  # pending: not yet
    assert my_clients(uow, "sw-1001") == [(team.team.id, "key_worker")]
    assert my_clients(uow, "n-1") == [(team.team.id, "member")]
    assert my_clients(uow, "ngo-77") == []
    change_status(uow, team, "closed", "goals met")
    assert my_clients(uow, "sw-1001") == []


def test_my_clients_name_the_client_and_count_the_members_waiting_for_consent(uow, gate, team):
    add_professional(uow, gate, team, "ngo-77", NGO, "ngo_worker")
    (mine,) = use_cases.my_clients(uow, load(schemas.ProfessionalQuery, {"professional_id": "sw-1001"}))
    assert (mine.client_name, mine.pending_members) == (uow.clients.get(team.team.client_id).name, 1)


# -- consent changes ----------------------------------------------------------------------

@pytest.fixture
def pending(uow, gate, team):
    """A worker of the NGO, waiting for consent."""
    return add_professional(uow, gate, team, "ngo-77", NGO, "ngo_worker")


@pytest.fixture
def active_by_consent(uow, gate, team):
    """A worker of the NGO, active by the client's consent."""
    gate.permit(team.team.client_id, NGO, *TEAM_CONSENT)
    return add_professional(uow, gate, team, "ngo-77", NGO, "ngo_worker")


def test_granted_consent_activates_the_pending_member_and_tells_the_key_worker(uow, gate, team, pending):
    gate.permit(team.team.client_id, NGO, *TEAM_CONSENT)
    use_cases.consent_granted(uow, granted(team.team.client_id), gate=gate)
    assert status_of(uow, pending.id) == "active"
    (activated,) = uow.published_data(contracts.MEMBER_ACTIVATED)
    assert (activated["member_id"], activated["key_worker_id"]) == (pending.id, "sw-1001")


def test_a_grant_that_does_not_cover_the_team_leaves_the_member_pending(uow, gate, team, pending):
    gate.permit(team.team.client_id, NGO, ["basic"], "team_coordination")  # not "team"
    use_cases.consent_granted(uow, granted(team.team.client_id), gate=gate)
    assert status_of(uow, pending.id) == "pending_consent"
    assert uow.published_data(contracts.MEMBER_ACTIVATED) == []


def test_a_grant_to_another_organisation_asks_nothing_and_changes_nothing(uow, gate, team, pending):
    asked_before = len(gate.asked)
    use_cases.consent_granted(uow, granted(team.team.client_id, OTHER_NGO), gate=gate)
    assert len(gate.asked) == asked_before
    assert status_of(uow, pending.id) == "pending_consent"


def test_withdrawn_consent_suspends_the_member_and_tells_the_key_worker(uow, gate, team, active_by_consent):
    gate.revoke(team.team.client_id, NGO)
    use_cases.consent_withdrawn(uow, withdrawn(team.team.client_id), gate=gate)
    assert status_of(uow, active_by_consent.id) == "suspended"
    (suspended,) = uow.published_data(contracts.MEMBER_SUSPENDED)
    assert (suspended["member_id"], suspended["key_worker_id"], suspended["because"]) == (
        active_by_consent.id, "sw-1001", "consent_withdrawn")


def test_a_member_still_permitted_by_another_consent_stays_active_after_a_withdrawal(
        uow, gate, team, active_by_consent):
    use_cases.consent_withdrawn(uow, withdrawn(team.team.client_id), gate=gate)  # still permitted
    assert status_of(uow, active_by_consent.id) == "active"
    assert uow.published_data(contracts.MEMBER_SUSPENDED) == []


def test_a_withdrawal_suspends_when_the_consent_service_cannot_answer(uow, gate, team, active_by_consent):
    gate.available = False
    use_cases.consent_withdrawn(uow, withdrawn(team.team.client_id), gate=gate)
    assert status_of(uow, active_by_consent.id) == "suspended"  # fail closed


@pytest.mark.parametrize("event, method, because", [
    (contracts.CONSENT_EXPIRED, "on_consent_expired", "consent_expired"),
    (contracts.DENIAL_RECORDED, "on_denial_recorded", "consent_denied"),
])
def test_expiry_and_denial_suspend_the_member_saying_why(uow, gate, team, active_by_consent,
                                                         event, method, because):
    gate.revoke(team.team.client_id, NGO)
    use_case = getattr(use_cases, method.removeprefix("on_"))
    use_case(uow, consent_event(event, team.team.client_id, NGO, method), gate=gate)
    assert status_of(uow, active_by_consent.id) == "suspended"
    assert [s["because"] for s in uow.published_data(contracts.MEMBER_SUSPENDED)] == [because]


def test_a_denial_for_every_organisation_suspends_members_of_each(uow, gate, team, active_by_consent):
    gate.permit(team.team.client_id, OTHER_NGO, *TEAM_CONSENT)
    other = add_professional(uow, gate, team, "ngo-88", OTHER_NGO, "ngo_worker")
    nurse = add_professional(uow, gate, team, "n-1")
    gate.revoke(team.team.client_id, NGO).revoke(team.team.client_id, OTHER_NGO)
    use_cases.denial_recorded(uow, consent_event(contracts.DENIAL_RECORDED, team.team.client_id, None,
                                                 "on_denial_recorded"), gate=gate)
    assert (status_of(uow, active_by_consent.id), status_of(uow, other.id)) == ("suspended", "suspended")
    assert status_of(uow, nurse.id) == "active"  # of the team's own organisation: no consent needed


def test_a_lifted_denial_activates_the_suspended_member_again(uow, gate, team, active_by_consent):
    gate.revoke(team.team.client_id, NGO)
    use_cases.consent_withdrawn(uow, withdrawn(team.team.client_id), gate=gate)
    gate.permit(team.team.client_id, NGO, *TEAM_CONSENT)
    use_cases.denial_lifted(uow, consent_event(contracts.DENIAL_LIFTED, team.team.client_id, NGO,
                                               "on_denial_lifted"), gate=gate)
    assert status_of(uow, active_by_consent.id) == "active"
    assert [a["member_id"] for a in uow.published_data(contracts.MEMBER_ACTIVATED)] == [
        active_by_consent.id]


def test_a_redelivered_consent_event_asks_consent_no_second_time_and_has_no_second_effect(
        uow, gate, team, pending):
    gate.permit(team.team.client_id, NGO, *TEAM_CONSENT)
    event = granted(team.team.client_id)
    use_cases.consent_granted(uow, event, gate=gate)
    asked, published, commits = list(gate.asked), list(uow.published), uow.commits

    uow.members.rows[pending.id].status = "pending_consent"  # were it to apply again, it would show
    use_cases.consent_granted(uow, event, gate=gate)
    assert gate.asked == asked
    assert uow.published == published
    assert uow.commits == commits
    assert status_of(uow, pending.id) == "pending_consent"


def test_a_withdrawal_redelivered_asks_no_second_time(uow, gate, team, active_by_consent):
    gate.revoke(team.team.client_id, NGO)
    event = withdrawn(team.team.client_id)
    use_cases.consent_withdrawn(uow, event, gate=gate)
    asked = list(gate.asked)
    uow.members.rows[active_by_consent.id].status = "active"  # were it to apply again, it would show
    use_cases.consent_withdrawn(uow, event, gate=gate)
    assert gate.asked == asked
    assert len(uow.published_data(contracts.MEMBER_SUSPENDED)) == 1
    assert status_of(uow, active_by_consent.id) == "active"


def test_the_same_event_is_processed_once_by_each_of_its_consumers(uow, gate, team, pending):
    gate.permit(team.team.client_id, NGO, *TEAM_CONSENT)
    event = granted(team.team.client_id)
    use_cases.consent_granted(uow, event, gate=gate)
    assert uow.processed(event.consumer, event.id)
    assert not uow.processed(consumer_key("team", "on_denial_lifted"), event.id)


def test_recheck_activates_members_left_pending_once_consent_answers(uow, gate, team):
    gate.available = False
    waiting = add_professional(uow, gate, team, "ngo-77", NGO, "ngo_worker")
    gate.available = True
    assert use_cases.recheck_pending(uow, gate=gate) == 0  # asked again, still no consent
    assert status_of(uow, waiting.id) == "pending_consent"
    gate.permit(team.team.client_id, NGO, *TEAM_CONSENT)
    assert use_cases.recheck_pending(uow, gate=gate) == 1
    assert status_of(uow, waiting.id) == "active"
    assert [a["member_id"] for a in uow.published_data(contracts.MEMBER_ACTIVATED)] == [waiting.id]
    assert use_cases.recheck_pending(uow, gate=gate) == 0


def test_recheck_leaves_suspended_members_to_consent_events(uow, gate, team, active_by_consent):
    gate.revoke(team.team.client_id, NGO)
    use_cases.consent_withdrawn(uow, withdrawn(team.team.client_id), gate=gate)
    gate.permit(team.team.client_id, NGO, *TEAM_CONSENT)
    asked = len(gate.asked)
    assert use_cases.recheck_pending(uow, gate=gate) == 0
    assert len(gate.asked) == asked
    assert status_of(uow, active_by_consent.id) == "suspended"
