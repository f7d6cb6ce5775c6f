"""The team's rules as plain functions."""
import pytest

from team import rules
from tiimi_shared import contracts
from tiimi_shared.errors import Conflict, ValidationError
from tiimi_shared.vocabulary import ConsentLost, MemberStatus, Role, TeamStatus, values

COUNTY = "1234567-8"
NGO = "0123456-7"


@pytest.mark.parametrize("role", rules.KEY_WORKER_ROLES)
def test_social_welfare_professionals_of_the_team_may_be_key_workers(role):
    rules.check_key_worker(role, COUNTY, COUNTY)


@pytest.mark.parametrize("role", sorted(set(values(Role)) - set(rules.KEY_WORKER_ROLES)))
def test_other_professionals_may_not_be_key_workers(role):
    with pytest.raises(ValidationError) as refused:
        rules.check_key_worker(role, COUNTY, COUNTY)
    assert list(refused.value.errors) == ["key_worker.role"]


def test_a_key_worker_from_another_organisation_is_refused():
    with pytest.raises(ValidationError) as refused:
        rules.check_key_worker("social_worker", NGO, COUNTY)
    assert list(refused.value.errors) == ["key_worker.organisation"]


@pytest.mark.parametrize("organisation, permitted, status", [
    (COUNTY, None, "active"),        # same organisation: no consent needed
    (None, None, "active"),          # a close one or the client
    (NGO, True, "active"),
    (NGO, False, "pending_consent"),
    (NGO, None, "pending_consent"),  # the consent service did not answer: fail closed
])
def test_status_on_joining(organisation, permitted, status):
    assert rules.status_on_joining(organisation, COUNTY, permitted) == status


def test_the_gate_asks_for_basic_and_team_for_team_coordination():
    assert rules.gate_requests(NGO, "ngo-77") == [
        {"organisation": NGO, "professional": "ngo-77", "category": "basic", "purpose": "team_coordination"},
        {"organisation": NGO, "professional": "ngo-77", "category": "team", "purpose": "team_coordination"},
    ]


@pytest.mark.parametrize("current, wanted", [
    ("proposed", "active"), ("proposed", "closed"), ("active", "suspended"), ("active", "closed"),
    ("suspended", "active"), ("suspended", "closed"),
])
def test_allowed_team_status_changes(current, wanted):
    rules.check_status_change(current, wanted)


@pytest.mark.parametrize("current, wanted", [
    ("proposed", "suspended"), ("active", "active"), ("closed", "active"), ("closed", "closed"),
    ("suspended", "suspended"),
])
def test_refused_team_status_changes_name_the_allowed_ones(current, wanted):
    with pytest.raises(Conflict) as refused:
        rules.check_status_change(current, wanted)
    assert refused.value.current_state == current
    assert refused.value.allowed == list(rules.TEAM_TRANSITIONS[current])


def test_a_closed_team_is_refused_and_an_open_one_is_not():
    rules.check_team_open("active")
    with pytest.raises(Conflict):
        rules.check_team_open("closed")


def test_the_same_person_is_recognised_as_a_member_already():
    current = [rules.MemberKey.of("professional", "n-1", "N. N.", None),
               rules.MemberKey.of("close_one", None, "Liisa Virtanen", "sibling"),
               rules.MemberKey.of("client", None, None, None)]
    for again in (rules.MemberKey.of("professional", "n-1", "Other Name", None),
                  rules.MemberKey.of("close_one", None, " liisa virtanen ", "sibling"),
                  rules.MemberKey.of("client", None, None, None)):
        with pytest.raises(Conflict):
            rules.check_not_member_already(again, current)
    rules.check_not_member_already(rules.MemberKey.of("close_one", None, "Liisa Virtanen", "friend"), current)
    rules.check_not_member_already(rules.MemberKey.of("professional", "n-2", None, None), current)


def test_a_second_registration_is_refused_without_the_code():
    rules.check_not_registered(False)
    with pytest.raises(Conflict) as refused:
        rules.check_not_registered(True)
    assert refused.value.current_state == "registered"


def test_a_client_gets_one_team():
    rules.check_no_team_yet(False)
    with pytest.raises(Conflict) as refused:
        rules.check_no_team_yet(True)
    assert refused.value.current_state == "exists"


def test_a_status_change_returns_the_new_status_and_only_closing_closes():
    assert rules.change_team_status("proposed", "active") is TeamStatus.ACTIVE
    assert rules.closes_the_team(rules.change_team_status("active", "closed"))
    assert not rules.closes_the_team(rules.change_team_status("active", "suspended"))


def test_a_member_is_removed_once_and_never_the_key_worker():
    assert rules.remove_member("active", is_key_worker=False) is MemberStatus.REMOVED
    assert rules.remove_member("pending_consent", is_key_worker=False) is MemberStatus.REMOVED
    with pytest.raises(Conflict) as refused:
        rules.remove_member("active", is_key_worker=True)
    assert refused.value.allowed == ["hand_over"]
    with pytest.raises(Conflict) as refused:
        rules.remove_member("removed", is_key_worker=False)
    assert refused.value.current_state == "removed"


def test_a_handover_goes_to_another_social_welfare_professional_of_an_open_team():
    rules.check_handover("active", COUNTY, current_key_worker="sw-1", new_key_worker="sc-2",
                         role="social_counsellor", organisation=COUNTY)
    with pytest.raises(Conflict) as refused:
        rules.check_handover("active", COUNTY, current_key_worker="sw-1", new_key_worker="sw-1",
                             role="social_worker", organisation=COUNTY)
    assert refused.value.current_state == "key_worker"
    with pytest.raises(ValidationError):
        rules.check_handover("active", COUNTY, current_key_worker="sw-1", new_key_worker="n-2",
                             role="nurse", organisation=COUNTY)
    with pytest.raises(Conflict) as refused:
        rules.check_handover("closed", COUNTY, current_key_worker="sw-1", new_key_worker="sc-2",
                             role="social_counsellor", organisation=COUNTY)
    assert refused.value.current_state == "closed"


GAINED = rules.ConsentChange("client-1", NGO)
WITHDRAWN = rules.ConsentChange("client-1", NGO, ConsentLost.WITHDRAWN)


@pytest.mark.parametrize("change, permitted, expected", [
    (GAINED, True, (MemberStatus.ACTIVE, contracts.MEMBER_ACTIVATED, None)),
    (GAINED, False, None),
    (GAINED, None, None),  # no answer: no permit
    (WITHDRAWN, True, None),  # permitted still, by another consent
    (WITHDRAWN, False, (MemberStatus.SUSPENDED, contracts.MEMBER_SUSPENDED, ConsentLost.WITHDRAWN)),
    (WITHDRAWN, None, (MemberStatus.SUSPENDED, contracts.MEMBER_SUSPENDED, ConsentLost.WITHDRAWN)),
])
def test_after_a_consent_change_members_activate_only_when_permitted_and_suspend_unless_permitted(
        change, permitted, expected):
    decided = rules.after_consent_change(change, permitted)
    assert (None if decided is None else (decided.status, decided.event, decided.because)) == expected


def test_only_pending_members_are_asked_again_by_the_recheck():
    assert rules.asked_again_by_recheck("pending_consent")
    assert not rules.asked_again_by_recheck("suspended")
    assert not rules.asked_again_by_recheck("active")
