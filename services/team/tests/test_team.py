"""Teams on a real broker and database, with no consent service running (fail closed)."""
import uuid

import pytest

from tiimi_shared.errors import Conflict, NotFound, ValidationError

pytestmark = pytest.mark.integration

COUNTY = "1234567-8"   # the wellbeing services county organising the team
NGO = "0123456-7"

KEY_WORKER = {"professional_id": "sw-1001", "name": "Sari Sosiaalityöntekijä", "organisation": COUNTY,
              "role": "social_worker"}


@pytest.fixture
def client_id(team_rpc):
    return team_rpc.register_client(name="Matti Meikäläinen", personal_identity_code="131052-308T",
                                    preferred_language="fi", municipality="837",
                                    registered_by="sw-1001")["id"]


@pytest.fixture
def team(team_rpc, client_id):
    return team_rpc.create_team(client_id=client_id, organisation=COUNTY, key_worker=KEY_WORKER,
                                created_by="sw-1001")


def professional(pid, organisation=COUNTY, role="nurse"):
    return {"professional_id": pid, "name": "N. N.", "organisation": organisation, "role": role}


def test_a_team_starts_proposed_with_its_key_worker_as_an_active_member(team, client_id):
    assert team["client_id"] == client_id and team["status"] == "proposed"
    assert team["key_worker"]["professional_id"] == "sw-1001"
    assert [(m["professional_id"], m["status"]) for m in team["members"]] == [("sw-1001", "active")]


def test_one_team_per_client(team_rpc, team, client_id):
    with pytest.raises(Conflict):
        team_rpc.create_team(client_id=client_id, organisation=COUNTY, key_worker=KEY_WORKER,
                             created_by="sw-1001")


def test_a_key_worker_must_be_a_social_welfare_professional_of_the_team(team_rpc, client_id):
    with pytest.raises(ValidationError) as refused:
        team_rpc.create_team(client_id=client_id, organisation=COUNTY,
                             key_worker=professional("n-1", role="nurse"), created_by="sw-1001")
    assert "key_worker.role" in refused.value.errors
    with pytest.raises(ValidationError) as refused:
        team_rpc.create_team(client_id=client_id, organisation=COUNTY,
                             key_worker=professional("sw-9", NGO, "social_worker"), created_by="sw-1001")
    assert "key_worker.organisation" in refused.value.errors
    with pytest.raises(NotFound):
        team_rpc.get_team(client_id=client_id)


def test_same_organisation_member_is_active_and_other_organisation_member_pending(team_rpc, team):
    nurse = team_rpc.add_member(team_id=team["id"], kind="professional",
                                professional=professional("n-1"), added_by="sw-1001")
    ngo = team_rpc.add_member(team_id=team["id"], kind="professional",
                              professional=professional("ngo-77", NGO, "ngo_worker"), added_by="sw-1001")
    sister = team_rpc.add_member(team_id=team["id"], kind="close_one", name="Liisa", relation="sibling",
                                 added_by="sw-1001")
    assert (nurse["status"], ngo["status"], sister["status"]) == ("active", "pending_consent", "active")
    name = team_rpc.get_client(client_id=team["client_id"])["name"]
    assert team_rpc.my_clients(professional_id="n-1") == [
        {"team_id": team["id"], "client_id": team["client_id"], "team_status": "proposed", "as": "member",
         "organisation": team["organisation"], "client_name": name, "pending_members": 1}]
    assert team_rpc.my_clients(professional_id="ngo-77") == []
    assert team_rpc.my_clients(professional_id="sw-1001")[0]["as"] == "key_worker"


@pytest.mark.parametrize("member, field", [
    ({"kind": "professional", "professional": professional("x-1", role="wizard")}, "professional"),
    ({"kind": "professional"}, "professional"),
    ({"kind": "close_one", "name": "Liisa"}, "relation"),
    ({"kind": "close_one", "name": "Liisa", "relation": "sibling", "shoe_size": 42}, "shoe_size"),
])
def test_bad_members_are_refused_naming_the_field(team_rpc, team, member, field):
    with pytest.raises(ValidationError) as refused:
        team_rpc.add_member(team_id=team["id"], added_by="sw-1001", **member)
    assert field in refused.value.errors
    assert len(team_rpc.get_team(team_id=team["id"])["members"]) == 1


def test_the_same_member_twice_is_refused(team_rpc, team):
    team_rpc.add_member(team_id=team["id"], kind="professional", professional=professional("n-1"),
                        added_by="sw-1001")
    with pytest.raises(Conflict):
        team_rpc.add_member(team_id=team["id"], kind="professional", professional=professional("n-1"),
                            added_by="sw-1001")
    with pytest.raises(Conflict):
        team_rpc.add_member(team_id=team["id"], kind="professional", professional=KEY_WORKER,
                            added_by="sw-1001")


def test_the_key_worker_leaves_only_through_a_handover_and_the_history_stays(team_rpc, team, clock):
    key_member = team["members"][0]["id"]
    with pytest.raises(Conflict) as refused:
        team_rpc.remove_member(team_id=team["id"], member_id=key_member, removed_by="sw-1001",
                               reason="leaving")
    assert refused.value.allowed == ["hand_over"]

    with pytest.raises(ValidationError):
        team_rpc.hand_over(team_id=team["id"], to=professional("n-1"), reason="x", changed_by="sw-1001")
    handed = team_rpc.hand_over(team_id=team["id"], reason="moves to another unit", changed_by="sw-1001",
                                to=professional("sc-2002", role="social_counsellor"))
    assert handed["key_worker"]["professional_id"] == "sc-2002"
    history = handed["key_worker_history"]
    assert [(p["professional_id"], p["ended_at"] is None) for p in history] == [
        ("sw-1001", False), ("sc-2002", True)]
    assert history[0]["handover_reason"] == "moves to another unit"
    removed = team_rpc.remove_member(team_id=team["id"], member_id=key_member, removed_by="sc-2002",
                                     reason="handed over")
    assert removed["status"] == "removed"


def test_a_closed_team_takes_no_members_and_needs_a_reason_to_close(team_rpc, team):
    with pytest.raises(ValidationError) as refused:
        team_rpc.change_team_status(team_id=team["id"], status="closed", changed_by="sw-1001")
    assert "reason" in refused.value.errors
    assert team_rpc.change_team_status(team_id=team["id"], status="active",
                                       changed_by="sw-1001")["status"] == "active"
    closed = team_rpc.change_team_status(team_id=team["id"], status="closed", reason="goals met",
                                         changed_by="sw-1001")
    assert [s["status"] for s in closed["status_history"]] == ["proposed", "active", "closed"]
    with pytest.raises(Conflict) as conflict:
        team_rpc.add_member(team_id=team["id"], kind="professional", professional=professional("n-1"),
                            added_by="sw-1001")
    assert conflict.value.current_state == "closed"
    with pytest.raises(Conflict) as conflict:
        team_rpc.change_team_status(team_id=team["id"], status="active", changed_by="sw-1001")
    assert conflict.value.allowed == []


def test_unknown_team_is_not_found(team_rpc):
    with pytest.raises(NotFound):
        team_rpc.get_team(team_id=str(uuid.uuid4()))
