"""Emergency access (break the glass): the rules alone and the use cases on fakes, on a moved clock."""
from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from consent import rules, schemas, use_cases
from consent.rules import EmergencyWindow, Reason
from tiimi_shared import contracts
from tiimi_shared.errors import Conflict, NotFound, ValidationError
from tiimi_shared.schemas import load
from tiimi_shared.testing.fakes import FIXED_NOW
from tiimi_shared.vocabulary import DisclosureKind, Outcome

from .fakes import FakeConsentUnitOfWork

NOW = FIXED_NOW
HOUR = timedelta(hours=1)
HOME, ELSEWHERE = "1234567-8", "7654321-0"
ON_CALL, KEY_WORKER = "on-call-5", "sw-1001"


# -- rules ------------------------------------------------------------------------------------


def window(**changes: Any) -> EmergencyWindow:
    return EmergencyWindow(**{"id": "a-1", "client_id": "c-1", "professional": ON_CALL, "opened_at": NOW,
                              "ends_at": NOW + 4 * HOUR} | changes)


def test_the_window_is_open_from_its_opening_until_its_end_exclusive():
    assert window().open_at(NOW) and window().open_at(NOW + 4 * HOUR - timedelta(microseconds=1))
    assert not window().open_at(NOW + 4 * HOUR) and not window().open_at(NOW - timedelta(seconds=1))


@pytest.mark.parametrize(("configured", "hours"),
                         [(None, 4.0), ("", 4.0), ("2", 2.0), (0.5, 0.5), ("24", 24.0)])
def test_the_length_comes_from_configuration_and_defaults_to_four_hours(configured, hours):
    assert rules.emergency_hours(configured) == hours


@pytest.mark.parametrize("configured", ["soon", "0", "-1", "25"])
def test_a_length_that_is_not_a_sensible_number_of_hours_stops_the_start(configured):
    with pytest.raises(ValueError, match="EMERGENCY_ACCESS_HOURS"):
        rules.emergency_hours(configured)


@pytest.mark.parametrize("explanation", ["", "  \n"])
def test_a_blank_explanation_is_refused_naming_it(explanation):
    with pytest.raises(ValidationError) as refused:
        rules.open_emergency_window(explanation=explanation, hours=4, now=NOW)
    assert set(refused.value.errors) == {"explanation"}


def test_a_read_rests_only_on_the_callers_own_open_window_of_that_client():
    assert rules.emergency_read(window(), client_id="c-1", professional=ON_CALL, now=NOW + HOUR) == window()
    for client_id, professional in (("c-2", ON_CALL), ("c-1", "someone-else")):
        with pytest.raises(NotFound):
            rules.emergency_read(window(), client_id=client_id, professional=professional, now=NOW)
    with pytest.raises(NotFound):
        rules.emergency_read(None, client_id="c-1", professional=ON_CALL, now=NOW)
    with pytest.raises(Conflict):
        rules.emergency_read(window(), client_id="c-1", professional=ON_CALL, now=NOW + 4 * HOUR)


def test_a_review_is_made_once():
    assert rules.review_emergency_access(None, now=NOW) == NOW
    with pytest.raises(Conflict):
        rules.review_emergency_access(NOW, now=NOW + HOUR)


# -- use cases on fakes -----------------------------------------------------------------------


@pytest.fixture
def uow() -> FakeConsentUnitOfWork:
    return FakeConsentUnitOfWork()


def opening(client_id: str, **changes: Any) -> Any:
    return load(schemas.OpenEmergencyAccess, {
        "client_id": client_id, "professional": ON_CALL, "organisation": HOME, "reason": "risk_to_life",
        "explanation": " found unconscious at the door ", "key_worker_id": KEY_WORKER} | changes)


def reads(access_id: str, client_id: str, organisation: str = HOME, professional: str = ON_CALL) -> Any:
    return load(schemas.RecordEmergencyReads, {
        "access_id": access_id, "client_id": client_id, "holder_organisation": HOME,
        "requests": [{"organisation": organisation, "professional": professional, "category": category,
                      "purpose": "team_coordination"} for category in ("basic", "team")]})


def test_an_emergency_access_opens_for_four_hours_and_tells_the_key_worker(uow):
    client = str(uuid.uuid4())

    access = use_cases.open_emergency_access(uow, opening(client), hours=4.0, now=NOW)

    assert (access.opened_at, access.ends_at, access.explanation) == (NOW, NOW + 4 * HOUR,
                                                                      "found unconscious at the door")
    (event,) = uow.published_data(contracts.EMERGENCY_ACCESS_OPENED)
    assert (event["key_worker_id"], event["reason"], event["professional"]) == (KEY_WORKER, "risk_to_life",
                                                                                ON_CALL)
    assert "explanation" not in event


def test_each_read_in_the_window_is_logged_and_the_window_ends_by_itself(uow):
    client = str(uuid.uuid4())
    access = use_cases.open_emergency_access(uow, opening(client), hours=4.0, now=NOW)

    logged = use_cases.record_emergency_reads(uow, reads(access.id, client), now=NOW + 3 * HOUR)
    elsewhere = reads(access.id, client, ELSEWHERE)
    from_elsewhere = use_cases.record_emergency_reads(uow, elsewhere, now=NOW + HOUR)

    assert [(e.kind, e.outcome, e.reason, e.category) for e in logged] == [
        (DisclosureKind.ACCESS, Outcome.PERMIT, Reason.EMERGENCY_ACCESS, "basic"),
        (DisclosureKind.ACCESS, Outcome.PERMIT, Reason.EMERGENCY_ACCESS, "team")]
    assert {e.kind for e in from_elsewhere} == {DisclosureKind.DISCLOSURE}
    assert use_cases.emergency_access_open(uow, {"client_id": client, "professional": ON_CALL},
                                           now=NOW + 4 * HOUR) is None
    with pytest.raises(Conflict):
        use_cases.record_emergency_reads(uow, reads(access.id, client), now=NOW + 4 * HOUR)
    assert len(uow.disclosure_log.entries) == 4  # the refused read logged nothing


def test_another_professional_cannot_read_through_someone_elses_window(uow):
    client = str(uuid.uuid4())
    access = use_cases.open_emergency_access(uow, opening(client), hours=4.0, now=NOW)

    with pytest.raises(NotFound):
        use_cases.record_emergency_reads(uow, reads(access.id, client, professional="intruder-1"), now=NOW)
    with pytest.raises(NotFound):
        use_cases.record_emergency_reads(uow, reads(access.id, str(uuid.uuid4())), now=NOW)
    assert uow.disclosure_log.entries == []


def test_a_blank_explanation_or_an_unknown_reason_opens_nothing(uow):
    client = str(uuid.uuid4())
    with pytest.raises(ValidationError) as blank:
        use_cases.open_emergency_access(uow, opening(client, explanation="  "), hours=4.0, now=NOW)
    with pytest.raises(ValidationError) as unknown:
        opening(client, reason="curiosity")

    assert "explanation" in blank.value.errors and "reason" in unknown.value.errors
    assert (uow.emergency_accesses.rows, uow.published) == ({}, [])


def test_the_review_list_shows_who_whose_why_when_and_the_review_is_kept(uow):
    first = use_cases.open_emergency_access(uow, opening(str(uuid.uuid4())), hours=4.0, now=NOW)
    second = use_cases.open_emergency_access(uow, opening(str(uuid.uuid4()), reason="acute_crisis"),
                                             hours=4.0, now=NOW + HOUR)

    unreviewed = use_cases.emergency_accesses_for_review(uow, {"reviewed": False, "limit": 10})
    reviewed = use_cases.review_emergency_access(uow, {"access_id": first.id, "reviewed_by": "dpo-1"},
                                                 now=NOW + 2 * HOUR)

    assert [a.id for a in unreviewed] == [second.id, first.id]
    assert (reviewed.reviewed_at, reviewed.reviewed_by) == (NOW + 2 * HOUR, "dpo-1")
    assert [a.id for a in use_cases.emergency_accesses_for_review(uow, {"reviewed": False, "limit": 10})] == [
        second.id]
    with pytest.raises(Conflict):
        use_cases.review_emergency_access(uow, {"access_id": first.id, "reviewed_by": "dpo-1"}, now=NOW)
    with pytest.raises(NotFound):
        unknown = {"access_id": str(uuid.uuid4()), "reviewed_by": "dpo-1"}
        use_cases.review_emergency_access(uow, unknown, now=NOW)
