"""The gateway's access policy on plain answers: no broker, no services."""
import pytest

from gateway import rules
from gateway.auth import Kind, Principal
from tiimi_shared.errors import Forbidden, NotFound
from tiimi_shared.vocabulary import Category, ReferralStatus

COUNTY, NGO, OTHER = "1234567-8", "0123456-7", "7654321-0"
KEY_WORKER = Principal("sw-1001", COUNTY, "professional")
NGO_WORKER = Principal("ngo-7", NGO, "professional")
OUTSIDER = Principal("sw-9999", COUNTY, "professional")


def member(professional_id="ngo-7", organisation=NGO, status="active", kind="professional"):
    if kind != "professional":
        return {"kind": kind, "name": "A. Close", "status": status}
    return {"kind": kind, "professional_id": professional_id, "organisation": organisation, "status": status}


def team(*members, status="active", organisation=COUNTY, key_worker="sw-1001"):
    return {"id": "t-1", "client_id": "c-1", "status": status, "organisation": organisation,
            "key_worker": {"professional_id": key_worker, "organisation": organisation},
            "members": list(members)}


def decision(category, verdict="permit", consent_id="consent-1"):
    return {"request": {"category": category}, "decision": verdict,
            "consent_id": consent_id if verdict == "permit" else None}


# -- tokens ---------------------------------------------------------------------------------


def test_a_professionals_token_works_on_a_professionals_route():
    rules.require_kind(KEY_WORKER, Kind.PROFESSIONAL)


def test_a_professional_reads_their_own_messages_and_a_partner_its_organisations():
    assert rules.inbox_of(KEY_WORKER) == "sw-1001"
    assert rules.inbox_of(NGO_WORKER) == "ngo-7"  # a professional of a partner organisation: in person
    assert rules.inbox_of(Principal("desk-1", NGO, "partner")) == NGO


def test_a_partners_token_on_a_professionals_route_is_refused():
    with pytest.raises(Forbidden, match="for a professional's token"):
        rules.require_kind(Principal("desk-1", NGO, "partner"), Kind.PROFESSIONAL)


def test_a_route_for_both_kinds_takes_either_token():
    for principal in (KEY_WORKER, Principal("desk-1", NGO, "partner")):
        rules.require_kind(principal, (Kind.PROFESSIONAL, Kind.PARTNER))


def test_a_professionals_token_on_a_partners_route_is_refused():
    with pytest.raises(Forbidden, match="for a partner's token"):
        rules.require_kind(KEY_WORKER, Kind.PARTNER)


# -- standing in a team ---------------------------------------------------------------------


def test_the_key_worker_stands_as_key_worker():
    assert rules.standing(KEY_WORKER, team(member())) is rules.Standing.KEY_WORKER


def test_an_active_professional_member_stands_as_member():
    assert rules.standing(NGO_WORKER, team(member())) is rules.Standing.MEMBER


def test_the_key_worker_of_a_team_still_being_formed_stands_as_key_worker():
    assert rules.standing(KEY_WORKER, team(status="proposed")) is rules.Standing.KEY_WORKER


def test_someone_not_in_the_team_is_refused():
    with pytest.raises(Forbidden, match="only an active member of the client's team"):
        rules.standing(OUTSIDER, team(member()))


@pytest.mark.parametrize("status", ["pending_consent", "suspended", "removed"])
def test_a_member_who_is_not_active_is_refused(status):
    with pytest.raises(Forbidden):
        rules.standing(NGO_WORKER, team(member(status=status)))


def test_a_member_listed_under_another_organisation_is_refused():
    """The same professional id from another organisation's token is someone else."""
    with pytest.raises(Forbidden):
        rules.standing(Principal("ngo-7", OTHER, "professional"), team(member()))


def test_no_one_stands_in_a_closed_team_not_even_its_key_worker():
    closed = team(member(), status="closed")
    for principal in (KEY_WORKER, NGO_WORKER):
        with pytest.raises(Forbidden):
            rules.standing(principal, closed)


def test_close_ones_in_the_team_do_not_let_anyone_in():
    with pytest.raises(Forbidden):
        rules.standing(OUTSIDER, team(member(kind="close_one"), member(kind="client")))


# -- what only the key worker may do ------------------------------------------------------


def test_the_key_worker_may_manage_the_clients_consents_and_the_team():
    rules.require_key_worker_of_client(KEY_WORKER, team(member()))
    rules.require_key_worker_of_team(KEY_WORKER, team(member()))


def test_a_member_who_is_not_the_key_worker_may_not_manage_the_clients_consents():
    with pytest.raises(Forbidden, match="only the client's key worker"):
        rules.require_key_worker_of_client(NGO_WORKER, team(member()))


def test_a_member_who_is_not_the_key_worker_may_not_change_the_team():
    with pytest.raises(Forbidden, match="only the team's key worker"):
        rules.require_key_worker_of_team(NGO_WORKER, team(member()))


def test_an_outsider_is_told_they_are_not_in_the_team_rather_than_not_the_key_worker():
    with pytest.raises(Forbidden, match="only an active member"):
        rules.require_key_worker_of_client(OUTSIDER, team(member()))
    with pytest.raises(Forbidden, match="only an active member"):
        rules.require_key_worker_of_team(OUTSIDER, team(member()))


def test_the_key_worker_of_a_closed_team_may_no_longer_change_it():
    with pytest.raises(Forbidden):
        rules.require_key_worker_of_team(KEY_WORKER, team(status="closed"))


# -- making a team ----------------------------------------------------------------------------


def test_the_professional_who_registered_the_client_may_make_their_team():
    rules.require_registrar(KEY_WORKER, {"id": "c-1", "registered_by": "sw-1001"})


def test_a_team_is_made_only_by_the_professional_who_registered_the_client():
    with pytest.raises(Forbidden, match="registered the client"):
        rules.require_registrar(OUTSIDER, {"id": "c-1", "registered_by": "sw-1001"})


def test_who_makes_a_team_becomes_its_key_worker_in_their_own_organisation():
    assert rules.founding_key_worker(KEY_WORKER, "S. Social", "social_worker") == {
        "professional_id": "sw-1001", "name": "S. Social", "organisation": COUNTY, "role": "social_worker"}


# -- reading client data ------------------------------------------------------------------------


def test_a_read_in_the_teams_own_organisation_needs_no_consent_and_is_logged_as_access():
    read = rules.read(KEY_WORKER, team(member()), rules.TEAM_PAGE)
    assert read.at_home
    asked = {"organisation": COUNTY, "professional": "sw-1001", "purpose": "team_coordination"}
    assert read.requests == (asked | {"category": "basic"}, asked | {"category": "team"})


def test_a_read_from_another_organisation_asks_consent_for_each_category():
    read = rules.read(NGO_WORKER, team(member()), rules.CLIENT_PAGE)
    assert not read.at_home
    assert [(r["organisation"], r["professional"], r["category"]) for r in read.requests] == [
        (NGO, "ngo-7", "basic")]


def test_a_member_of_the_teams_organisation_who_is_not_its_key_worker_reads_at_home():
    colleague = Principal("sw-2002", COUNTY, "professional")
    assert rules.read(colleague, team(member("sw-2002", COUNTY)), rules.CLIENT_PAGE).at_home


def test_someone_outside_the_team_may_not_read_even_in_the_teams_organisation():
    with pytest.raises(Forbidden):
        rules.read(OUTSIDER, team(member()), rules.CLIENT_PAGE)


def disclosed(*decisions, logged=None):
    """The consent service's answer to ``disclose``: a disclosure logged for each decision if all permit."""
    if logged is None:
        logged = [] if any(d["decision"] != "permit" for d in decisions) else [
            {"kind": "disclosure", "category": d["request"]["category"], "consent_id": d["consent_id"]}
            for d in decisions]
    return {"decisions": list(decisions), "disclosures": logged}


def test_a_member_from_another_organisation_with_consent_for_every_category_is_shown_the_read():
    read = rules.read(NGO_WORKER, team(member()), (Category.BASIC, Category.TEAM))
    rules.require_disclosed(read, disclosed(decision("basic", consent_id="c-9"),
                                            decision("team", consent_id="c-8")))


def test_a_member_from_another_organisation_without_consent_is_refused():
    read = rules.read(NGO_WORKER, team(member()), rules.CLIENT_PAGE)
    with pytest.raises(Forbidden, match="consent does not allow your organisation to see: basic"):
        rules.require_disclosed(read, disclosed(decision("basic", "deny")))


def test_a_read_consent_permits_only_in_part_is_refused_naming_every_category_refused():
    read = rules.read(NGO_WORKER, team(member()), rules.TEAM_PAGE)
    with pytest.raises(Forbidden, match="see: team$"):
        rules.require_disclosed(read, disclosed(decision("basic"), decision("team", "deny")))
    with pytest.raises(Forbidden, match="see: basic, team$"):
        rules.require_disclosed(read, disclosed(decision("basic", "deny"), decision("team", "deny")))


@pytest.mark.parametrize("answer", [
    {"decisions": [], "disclosures": [], "decision": "deny", "reason": "malformed_request"},
    disclosed(decision("basic"), decision("team"), logged=[]),
    disclosed(decision("basic"), decision("team"), logged=[{"category": "basic"}]),
    disclosed(decision("basic"), logged=[{"category": "basic"}]),
], ids=["malformed", "nothing logged", "one of two logged", "one of two decided"])
def test_a_read_not_logged_as_disclosed_for_every_category_is_refused(answer):
    read = rules.read(NGO_WORKER, team(member()), rules.TEAM_PAGE)
    with pytest.raises(Forbidden, match="nothing is shown"):
        rules.require_disclosed(read, answer)


def test_a_client_the_caller_may_not_see_is_answered_as_unknown():
    for hidden in (Forbidden("only an active member of the client's team may see or change this"),
                   NotFound("team of client", "c-1")):
        with pytest.raises(NotFound) as refused, rules.unknown_unless_yours():
            raise hidden
        assert str(refused.value) == "client with that personal identity code not found"


def test_a_client_the_caller_may_see_is_not_hidden():
    with rules.unknown_unless_yours():
        found = "c-1"
    assert found == "c-1"


def test_other_failures_are_not_disguised_as_an_unknown_client():
    with pytest.raises(TimeoutError), rules.unknown_unless_yours():
        raise TimeoutError("consent")


# -- consents and denials --------------------------------------------------------------------


def test_a_consent_of_the_client_is_found_among_theirs():
    rules.require_listed([{"id": "consent-1"}, {"id": "consent-2"}], "consent-2", "consent")


def test_a_consent_of_another_client_is_not_found_through_this_one():
    with pytest.raises(NotFound) as refused:
        rules.require_listed([{"id": "consent-1"}], "consent-of-someone-else", "consent")
    assert (refused.value.kind, refused.value.identifier) == ("consent", "consent-of-someone-else")


def test_a_denial_of_a_client_with_none_is_not_found():
    with pytest.raises(NotFound, match="denial d-1 not found"):
        rules.require_listed([], "d-1", "denial")


# -- referrals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("answer", "status"), [
    ("accept", "accepted"), ("reject", "rejected"), ("start", "in_progress"), ("hold", "on_hold"),
    ("resume", "in_progress"), ("complete", "completed"), ("fail", "failed")])
def test_each_answer_a_partner_may_give_asks_for_its_status(answer, status):
    assert rules.answer_status(answer) == ReferralStatus(status)


@pytest.mark.parametrize("answer", ["cancel", "send", "accepted", ""])
def test_an_answer_a_partner_may_not_give_is_not_found(answer):
    with pytest.raises(NotFound) as refused:
        rules.answer_status(answer)
    assert refused.value.kind == "answer"


def test_a_referral_is_changed_in_the_name_of_the_callers_organisation():
    assert rules.acting_party(NGO_WORKER) == {"organisation": NGO, "professional_id": "ngo-7"}


# -- the personal identity code -----------------------------------------------------------

def test_the_identity_code_is_shown_to_the_key_worker_and_the_read_is_an_access_at_home():
    read = rules.identity_code_read(KEY_WORKER, team(member()))
    assert read.at_home and [r["category"] for r in read.requests] == ["basic"]


def test_the_identity_code_is_never_shown_outside_its_organisation_even_to_an_active_member():
    with pytest.raises(Forbidden) as refused:
        rules.identity_code_read(NGO_WORKER, team(member()))
    assert "organisation that holds it" in str(refused.value)


def test_the_identity_code_is_not_shown_to_someone_outside_the_team():
    with pytest.raises(Forbidden):
        rules.identity_code_read(OUTSIDER, team(member()))


# -- my clients -------------------------------------------------------------------------------

def involvement(client_id, role, organisation=COUNTY, pending=0):
    return {"team_id": f"t-{client_id}", "client_id": client_id, "team_status": "active", "as": role,
            "organisation": organisation, "client_name": f"Name of {client_id}", "pending_members": pending}


def test_only_the_key_worker_is_asked_about_and_told_what_needs_attention():
    involvements = [involvement("a", "key_worker", pending=2), involvement("b", "member")]
    assert rules.key_worker_clients(involvements) == ["a"]
    (a, b) = rules.my_clients(KEY_WORKER, involvements,
                              [{"client_id": "a", "overdue_referrals": 1, "answered_referrals": 3}],
                              [{"client_id": "a", "consents_ending": 1,
                                "first_ends_at": "2026-12-01T00:00:00+00:00"}])
    assert a["needs_me"] == {"pending_members": 2, "overdue_referrals": 1, "answered_referrals": 3,
                             "consents_ending": 1, "first_consent_ends_at": "2026-12-01T00:00:00+00:00"}
    assert b["needs_me"] is None
    assert set(a) == {"team_id", "client_id", "team_status", "as", "client_name", "needs_me"}


def test_the_clients_name_is_shown_only_inside_the_organisation_that_holds_the_team():
    teams = [involvement("a", "member"), involvement("b", "member", organisation=NGO)]
    mine = rules.my_clients(Principal("ngo-7", NGO, "professional"), teams, [], [])
    assert [m["client_name"] for m in mine] == [None, "Name of b"]
