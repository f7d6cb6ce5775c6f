"""The gateway's requests on fake services: what is asked, logged and changed, with no broker."""
import pytest

from gateway import use_cases
from gateway.auth import Principal
from gateway.use_cases import Services
from tiimi_shared.errors import Conflict, Forbidden, NotFound
from tiimi_shared.testing.fakes import FakeService

COUNTY, NGO = "1234567-8", "0123456-7"
KEY_WORKER = Principal("sw-1001", COUNTY, "professional")
NGO_WORKER = Principal("ngo-7", NGO, "professional")
OUTSIDER = Principal("sw-9999", COUNTY, "professional")
TEAM = {"id": "t-1", "client_id": "c-1", "status": "active", "organisation": COUNTY,
        "key_worker": {"professional_id": "sw-1001", "organisation": COUNTY},
        "members": [{"kind": "professional", "professional_id": "ngo-7", "organisation": NGO,
                     "status": "active"}]}
CLIENT = {"id": "c-1", "name": "Maija", "registered_by": "sw-1001"}


def disclose(verdict):
    """The consent service's ``disclose``: each request decided; all logged as disclosed if all permit."""
    def answer(client_id, requests):
        decisions = [{"request": request, "decision": verdict,
                      "consent_id": "consent-1" if verdict == "permit" else None} for request in requests]
        disclosures = [{"kind": "disclosure", "category": request["category"], "consent_id": "consent-1"}
                       for request in requests] if verdict == "permit" else []
        return {"decisions": decisions, "disclosures": disclosures}
    return answer


def echo(**kwargs):
    return kwargs


def services(verdict="permit", consents=(), denials=(), together=use_cases.one_after_another):
    return Services(
        team=FakeService(get_team=TEAM, get_client=CLIENT, find_client=CLIENT, create_team=echo,
                         change_team_status=echo, reveal_personal_identity_code=echo,
                         identity_code_reveals=[]),
        consent=FakeService(record_access={}, record_accesses={}, disclose=disclose(verdict),
                            emergency_access={"access": None},
                            list_consents={"consents": list(consents), "denials": list(denials)},
                            withdraw=echo, lift_denial=echo, grant=echo),
        referral=FakeService(create_referral=echo, change_status=echo, referrals_of_client=[]),
        notify=FakeService(), together=together)


def methods(service):
    return [method for method, _ in service.calls]


def rpcs(ports):
    """Every call a request made to the services behind the gateway, in order, by service."""
    return [(name, method) for name in ("team", "consent", "referral", "notify")
            for method in methods(getattr(ports, name))]


class Together:
    """``Services.together`` that remembers which calls were asked at once."""

    def __init__(self):
        self.batches = []

    def __call__(self, *calls):
        self.batches.append(len(calls))
        return use_cases.one_after_another(*calls)


def test_the_key_worker_reads_the_team_in_two_calls_and_the_read_is_logged_as_access():
    ports = services()
    assert use_cases.get_team(ports, KEY_WORKER, "c-1") == TEAM
    # Before: the team, then one record_access for each category (three calls).
    assert rpcs(ports) == [("team", "get_team"), ("consent", "record_accesses")]
    asked = {"organisation": COUNTY, "professional": "sw-1001", "purpose": "team_coordination"}
    assert ports.consent.calls[0][1] == {"client_id": "c-1", "requests": [
        asked | {"category": "basic"}, asked | {"category": "team"}]}


def test_a_member_from_another_organisation_reads_the_team_in_two_calls_logged_as_disclosures():
    ports = services("permit")
    assert use_cases.get_team(ports, NGO_WORKER, "c-1") == TEAM
    # Before: the team, check_many, then one record_disclosure for each category (four calls).
    assert rpcs(ports) == [("team", "get_team"), ("consent", "disclose")]
    assert [r["category"] for r in ports.consent.calls[0][1]["requests"]] == ["basic", "team"]


def test_the_client_is_asked_for_beside_the_log_of_the_read_not_after_it():
    together = Together()
    ports = services(together=together)
    assert use_cases.get_client(ports, KEY_WORKER, "c-1") == CLIENT
    assert rpcs(ports) == [("team", "get_team"), ("team", "get_client"), ("consent", "record_accesses")]
    assert together.batches == [2]
    assert ports.consent.calls[0][1]["requests"][0]["category"] == "basic"


def test_the_clients_referrals_are_asked_for_beside_the_log_of_the_read():
    together = Together()
    ports = services(together=together)
    assert use_cases.client_referrals(ports, NGO_WORKER, "c-1") == []
    assert rpcs(ports) == [("team", "get_team"), ("consent", "disclose"),
                           ("referral", "referrals_of_client")]
    assert together.batches == [2]


def test_a_member_from_another_organisation_without_consent_sees_nothing():
    ports = services("deny")
    with pytest.raises(Forbidden, match="consent does not allow"):
        use_cases.get_client(ports, NGO_WORKER, "c-1")
    with pytest.raises(Forbidden, match="consent does not allow"):
        use_cases.get_team(ports, NGO_WORKER, "c-1")
    assert "record_disclosure" not in methods(ports.consent)


def test_an_outsider_is_refused_before_anything_is_logged_unless_they_opened_an_emergency_access():
    ports = services()
    for read in (use_cases.get_team, use_cases.get_client, use_cases.client_referrals):
        with pytest.raises(Forbidden):
            read(ports, OUTSIDER, "c-1")
    # Consent is asked only whether the outsider has an emergency access open; nothing is logged.
    assert set(methods(ports.consent)) == {"emergency_access"} and ports.referral.calls == []
    assert set(methods(ports.team)) == {"get_team"}


def test_each_read_asks_the_team_and_consent_afresh_so_a_removal_or_withdrawal_holds_at_once():
    team = {**TEAM, "members": [dict(TEAM["members"][0])]}
    verdict = {"now": "permit"}
    ports = Services(team=FakeService(get_team=lambda client_id: team),
                     consent=FakeService(disclose=lambda **kw: disclose(verdict["now"])(**kw),
                                         emergency_access={"access": None}),
                     referral=FakeService(), notify=FakeService())
    assert use_cases.get_team(ports, NGO_WORKER, "c-1") == team

    verdict["now"] = "deny"  # the consent is withdrawn
    with pytest.raises(Forbidden, match="consent does not allow"):
        use_cases.get_team(ports, NGO_WORKER, "c-1")

    verdict["now"] = "permit"
    team["members"][0]["status"] = "removed"  # the member is removed
    with pytest.raises(Forbidden, match="only an active member"):
        use_cases.get_team(ports, NGO_WORKER, "c-1")
    assert methods(ports.team) == ["get_team"] * 3
    # The removed member is an outsider now: asked only whether they opened an emergency access.
    assert methods(ports.consent) == ["disclose"] * 2 + ["emergency_access"]


def test_an_outsider_searching_by_identity_code_is_told_there_is_no_such_client():
    ports = services()
    with pytest.raises(NotFound, match="client with that personal identity code not found"):
        use_cases.find_client(ports, OUTSIDER, {"personal_identity_code": "131052-308T"})
    assert set(methods(ports.consent)) == {"emergency_access"}  # asked, nothing logged


def test_the_key_worker_finds_their_client_by_identity_code():
    assert use_cases.find_client(services(), KEY_WORKER, {"personal_identity_code": "131052-308T"}) == CLIENT


def test_a_team_member_who_is_not_the_key_worker_records_no_consent():
    ports = services()
    with pytest.raises(Forbidden, match="only the client's key worker"):
        use_cases.grant(ports, NGO_WORKER, "c-1", {"categories": ["basic"]})
    assert "grant" not in methods(ports.consent)


def test_the_key_worker_records_a_consent_in_their_own_name():
    ports = services()
    assert use_cases.grant(ports, KEY_WORKER, "c-1", {"categories": ["basic"]}) == {
        "client_id": "c-1", "categories": ["basic"], "recorded_by": "sw-1001"}


def test_a_consent_of_another_client_is_not_withdrawn_through_this_one():
    ports = services(consents=[{"id": "consent-1"}])
    with pytest.raises(NotFound, match="consent consent-2 not found"):
        use_cases.withdraw(ports, KEY_WORKER, "c-1", "consent-2", {"reason": "x"})
    assert "withdraw" not in methods(ports.consent)


def test_the_key_worker_withdraws_a_consent_of_their_client():
    ports = services(consents=[{"id": "consent-1"}])
    assert use_cases.withdraw(ports, KEY_WORKER, "c-1", "consent-1", {"reason": "asked"}) == {
        "consent_id": "consent-1", "withdrawn_by": "sw-1001", "reason": "asked"}


def test_a_denial_of_another_client_is_not_lifted_through_this_one():
    ports = services(denials=[{"id": "d-1"}])
    with pytest.raises(NotFound, match="denial d-2 not found"):
        use_cases.lift_denial(ports, KEY_WORKER, "c-1", "d-2", {"reason": "client agreed"})
    assert "lift_denial" not in methods(ports.consent)


def test_only_the_professional_who_registered_the_client_makes_their_team():
    ports = services()
    with pytest.raises(Forbidden, match="registered the client"):
        use_cases.create_team(ports, OUTSIDER, {"client_id": "c-1", "name": "X", "role": "social_worker"})
    assert "create_team" not in methods(ports.team)


def test_the_registrar_makes_the_team_and_becomes_its_key_worker():
    made = use_cases.create_team(services(), KEY_WORKER, {"client_id": "c-1", "name": "S. Social",
                                                          "role": "social_worker"})
    assert made == {"client_id": "c-1", "organisation": COUNTY, "created_by": "sw-1001", "key_worker": {
        "professional_id": "sw-1001", "name": "S. Social", "organisation": COUNTY, "role": "social_worker"}}


def test_a_member_may_not_change_the_teams_status():
    ports = services()
    with pytest.raises(Forbidden, match="only the team's key worker"):
        use_cases.change_team_status(ports, NGO_WORKER, "t-1", {"status": "closed"})
    assert ports.team.calls == [("get_team", {"team_id": "t-1"})]


def test_an_outsider_drafts_no_referral_for_the_client():
    ports = services()
    with pytest.raises(Forbidden):
        use_cases.create_referral(ports, OUTSIDER, {"client_id": "c-1", "service": "s"})
    assert ports.referral.calls == []


def test_a_member_drafts_a_referral_on_behalf_of_their_organisation():
    drafted = use_cases.create_referral(services(), NGO_WORKER, {"client_id": "c-1", "service": "s"})
    assert drafted == {"client_id": "c-1", "service": "s", "requesting_organisation": NGO,
                       "requested_by": "ngo-7"}


def test_a_partners_answer_asks_the_referral_service_for_its_status():
    ports = services()
    partner = Principal("desk-1", NGO, "partner")
    answered = use_cases.answer_referral(ports, partner, "r-1", "complete", {"outcome": {"code": "goal_met"}})
    assert answered == {
        "referral_id": "r-1", "status": "completed", "by": {"organisation": NGO, "professional_id": "desk-1"},
        "outcome": {"code": "goal_met"}}


def test_an_answer_with_no_meaning_changes_no_referral():
    ports = services()
    with pytest.raises(NotFound):
        use_cases.answer_referral(ports, Principal("desk-1", NGO, "partner"), "r-1", "cancel", {})
    assert ports.referral.calls == []


def test_a_reveal_records_the_access_and_hands_the_reason_to_the_team_service():
    ports = services()
    revealed = use_cases.reveal_identity_code(ports, KEY_WORKER, "c-1", {"reason": "Kela form"})
    assert revealed == {"client_id": "c-1", "requested_by": "sw-1001", "reason": "Kela form"}
    assert methods(ports.consent) == ["record_access"]


def test_a_reveal_refused_outside_the_organisation_asks_and_logs_nothing():
    ports = services()
    with pytest.raises(Forbidden):
        use_cases.reveal_identity_code(ports, NGO_WORKER, "c-1", {"reason": "curious"})
    assert methods(ports.consent) == []
    assert "reveal_personal_identity_code" not in methods(ports.team)


def test_only_the_key_worker_sees_who_has_been_shown_the_code():
    with pytest.raises(Forbidden):
        use_cases.identity_code_reveals(services(), NGO_WORKER, "c-1")
    assert use_cases.identity_code_reveals(services(), KEY_WORKER, "c-1") == []


def test_my_clients_asks_each_service_once_for_all_the_key_workers_clients():
    involvements = [{"team_id": f"t-{c}", "client_id": c, "team_status": "active", "as": role,
                     "organisation": COUNTY, "client_name": c.upper(), "pending_members": 0}
                    for c, role in (("c-1", "key_worker"), ("c-2", "member"), ("c-3", "key_worker"))]
    ports = Services(team=FakeService(my_clients=involvements), notify=FakeService(),
                     referral=FakeService(attention_for=[{"client_id": "c-3", "overdue_referrals": 1,
                                                          "answered_referrals": 0}]),
                     consent=FakeService(ending_soon=[]))
    mine = use_cases.my_clients(ports, KEY_WORKER)
    assert [(m["client_name"], m["needs_me"] and m["needs_me"]["overdue_referrals"]) for m in mine] == [
        ("C-1", 0), ("C-2", None), ("C-3", 1)]
    assert ports.referral.calls == [("attention_for", {"client_ids": ["c-1", "c-3"], "organisation": COUNTY})]
    assert ports.consent.calls == [("ending_soon", {"client_ids": ["c-1", "c-3"], "within_days": 14})]


def test_a_professional_who_is_key_worker_of_no_one_asks_no_other_service():
    ports = Services(team=FakeService(my_clients=[]), consent=FakeService(), referral=FakeService(),
                     notify=FakeService())
    assert use_cases.my_clients(ports, OUTSIDER) == []
    assert ports.referral.calls == [] and ports.consent.calls == []


def test_an_outsider_with_an_open_emergency_access_reads_and_each_read_is_logged_as_such():
    access = {"id": "a-1", "client_id": "c-1", "professional": "sw-9999"}
    ports = Services(team=FakeService(get_team=TEAM, get_client=CLIENT),
                     consent=FakeService(emergency_access={"access": access}, record_emergency_reads=echo),
                     referral=FakeService(), notify=FakeService())

    assert use_cases.get_client(ports, OUTSIDER, "c-1") == CLIENT

    (logged,) = [kwargs for method, kwargs in ports.consent.calls if method == "record_emergency_reads"]
    assert (logged["access_id"], logged["holder_organisation"]) == ("a-1", COUNTY)
    assert [r["category"] for r in logged["requests"]] == ["basic"]
    assert "disclose" not in methods(ports.consent) and "record_accesses" not in methods(ports.consent)


def test_a_member_needs_no_emergency_access_and_is_told_so():
    with pytest.raises(Conflict, match="you are on the client's team"):
        use_cases.open_emergency_access(services(), NGO_WORKER, "c-1", {"reason": "risk_to_life",
                                                                         "explanation": "x"})


def test_only_a_data_protection_officer_reads_and_reviews_the_emergency_list():
    ports = Services(team=FakeService(),
                     consent=FakeService(emergency_accesses=[], review_emergency_access=echo),
                     referral=FakeService(), notify=FakeService())
    with pytest.raises(Forbidden):
        use_cases.emergency_accesses(ports, KEY_WORKER, {"dpo-1"})
    with pytest.raises(Forbidden):
        use_cases.review_emergency_access(ports, KEY_WORKER, {"dpo-1"}, "a-1")
    assert ports.consent.calls == []
    dpo = Principal("dpo-1", COUNTY, "professional")
    assert use_cases.review_emergency_access(ports, dpo, {"dpo-1"}, "a-1") == {"access_id": "a-1",
                                                                                "reviewed_by": "dpo-1"}
