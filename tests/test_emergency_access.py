"""Emergency access (break the glass) through the gateway, with every service on a real broker: a
professional outside the team opens a client's data with a reason, each read is logged, the key worker
is told, the window ends by itself on a moved clock, and the data protection officer reviews it."""
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from nameko.standalone.rpc import ClusterRpcProxy

import consent
from consent.service import ConsentService
from gateway.auth import mint
from tiimi_shared.clock import MovableClock
from tiimi_shared.errors import Conflict
from tiimi_shared.testing.fixtures import migrate
from tiimi_shared.testing.servers import free_port

pytestmark = pytest.mark.integration

SECRET = "a-local-secret-of-at-least-32-characters"
COUNTY, OTHER = "1234567-8", "7654321-0"
OPENING = {"reason": "risk_to_life",
           "explanation": "found unconscious; the ambulance asks for her medication"}


class Caller:
    def __init__(self, base, subject, organisation=COUNTY):
        token = mint(SECRET, subject=subject, organisation=organisation, kind="professional")
        self.base, self.headers = base, {"Authorization": f"Bearer {token}"}

    def get(self, path):
        return requests.get(self.base + path, headers=self.headers, timeout=30)

    def post(self, path, body):
        return requests.post(self.base + path, json=body, headers=self.headers, timeout=30)


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def refused(response, status):
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return response.json()


@pytest.fixture
def story(system):
    clock = MovableClock(datetime.now(UTC))
    port = free_port()
    system(consent={"CLOCK": clock},
           gateway={"WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "JWT_SECRET": SECRET, "RPC_TIMEOUT": 10,
                    "DATA_PROTECTION_OFFICERS": "dpo-1, dpo-2"})
    base = f"http://127.0.0.1:{port}"
    key_worker = Caller(base, "sw-1001")
    client = ok(key_worker.post("/clients", {
        "name": "Maija Meikäläinen", "personal_identity_code": "131052-308T", "preferred_language": "fi",
        "municipality": "837"}), 201)
    ok(key_worker.post("/teams", {"client_id": client["id"], "name": "S. Social", "role": "social_worker"}),
       201)
    return {"base": base, "clock": clock, "key_worker": key_worker, "client": client}


def test_emergency_access_opens_logs_each_read_alerts_and_closes_by_itself(story, eventually):
    base, clock, key_worker, client = story["base"], story["clock"], story["key_worker"], story["client"]
    client_path = f"/clients/{client['id']}"
    on_call = Caller(base, "on-call-5", OTHER)  # an emergency unit of another organisation, not on the team

    refused(on_call.get(client_path), 403)  # no silent bypass: without an open access, the door is shut
    for change, field in (({"reason": "curiosity"}, "reason"), ({"explanation": "   "}, "explanation")):
        problem = refused(on_call.post(f"{client_path}/emergency-access", OPENING | change), 400)
        assert field in str(problem)
    refused(key_worker.post(f"{client_path}/emergency-access", OPENING), 409)  # on the team already

    opened = ok(on_call.post(f"{client_path}/emergency-access", OPENING), 201)
    ends_at = datetime.fromisoformat(opened["ends_at"])
    assert ends_at - datetime.fromisoformat(opened["opened_at"]) == timedelta(hours=4)

    assert ok(on_call.get(client_path))["name"] == "Maija Meikäläinen"
    assert ok(on_call.get(f"{client_path}/team"))["key_worker"]["professional_id"] == "sw-1001"

    told = eventually(lambda: [item for item in ok(key_worker.get("/inbox"))
                               if item["message"] == "emergency_access"])
    assert told, "the key worker was not told"
    assert "on-call-5" in told[0]["body"] and "hengenvaara" in told[0]["body"]
    assert OPENING["explanation"] not in told[0]["body"]

    report = ok(key_worker.get(f"{client_path}/disclosures"))
    emergency_reads = [e for e in report["entries"] if e["reason"] == "emergency_access"]
    assert {(e["professional"], e["organisation"], e["kind"], e["category"]) for e in emergency_reads} == {
        ("on-call-5", OTHER, "disclosure", "basic"), ("on-call-5", OTHER, "disclosure", "team")}
    assert len(emergency_reads) == 3  # the client's page (basic) and the team's page (basic, team)
    (access,) = report["emergency_accesses"]
    assert (access["professional"], access["reason"], access["reviewed_at"]) == (
        "on-call-5", "risk_to_life", None)

    clock.set(ends_at)  # the window ends by itself: nothing sweeps it
    refused(on_call.get(client_path), 403)
    after = ok(key_worker.get(f"{client_path}/disclosures"))["entries"]
    # The refused read logged nothing.
    assert len([e for e in after if e["reason"] == "emergency_access"]) == 3


def test_the_data_protection_officer_reviews_each_emergency_access_once(story):
    base, key_worker, client = story["base"], story["key_worker"], story["client"]
    on_call = Caller(base, "on-call-5")
    opened = ok(on_call.post(f"/clients/{client['id']}/emergency-access",
                             OPENING | {"reason": "acute_crisis"}), 201)
    officer = Caller(base, "dpo-1")

    for outsider in (key_worker, on_call):
        refused(outsider.get("/emergency-accesses"), 403)
        refused(outsider.post(f"/emergency-accesses/{opened['id']}/review", {}), 403)
    (listed,) = ok(officer.get("/emergency-accesses"))
    assert (listed["id"], listed["client_id"], listed["professional"], listed["reason"],
            listed["explanation"], listed["reviewed_at"]) == (
        opened["id"], client["id"], "on-call-5", "acute_crisis", OPENING["explanation"], None)

    reviewed = ok(officer.post(f"/emergency-accesses/{opened['id']}/review", {}))

    assert reviewed["reviewed_by"] == "dpo-1" and reviewed["reviewed_at"]
    assert ok(officer.get("/emergency-accesses"))[0]["reviewed_at"] == reviewed["reviewed_at"]
    refused(officer.post(f"/emergency-accesses/{opened['id']}/review", {}), 409)


@pytest.fixture
def consent_on_each_database(container_factory, rabbit_config, database_url):
    clock = MovableClock(datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
    url = migrate(Path(consent.__file__).parent / "migrations", database_url)
    container_factory(ConsentService, rabbit_config | {
        "DATABASE_URL": url, "OUTBOX_INTERVAL": 0.1, "EXPIRY_INTERVAL": 3600, "CLOCK": clock,
        "EMERGENCY_ACCESS_HOURS": "2"}).start()
    with ClusterRpcProxy(rabbit_config, timeout=20) as proxy:
        yield proxy.consent, clock


def test_the_consent_service_keeps_the_window_on_each_database(consent_on_each_database):
    rpc, clock = consent_on_each_database
    client_id = str(uuid.uuid4())
    opened = rpc.open_emergency_access(client_id=client_id, professional="on-call-5", organisation=OTHER,
                                       key_worker_id="sw-1001", **OPENING)
    read = {"access_id": opened["id"], "client_id": client_id, "holder_organisation": COUNTY,
            "requests": [{"organisation": OTHER, "professional": "on-call-5", "category": "basic",
                          "purpose": "team_coordination"}]}

    assert rpc.emergency_access(client_id=client_id, professional="on-call-5")["access"]["id"] == opened["id"]
    assert rpc.emergency_access(client_id=client_id, professional="someone-else")["access"] is None
    (entry,) = rpc.record_emergency_reads(**read)["entries"]
    assert (entry["kind"], entry["reason"]) == ("disclosure", "emergency_access")

    clock.advance(timedelta(hours=2))  # configured: two hours

    assert rpc.emergency_access(client_id=client_id, professional="on-call-5")["access"] is None
    with pytest.raises(Conflict):
        rpc.record_emergency_reads(**read)
    report = rpc.disclosure_report(client_id=client_id)
    assert [e["reason"] for e in report["entries"]] == ["emergency_access"]
    assert [a["id"] for a in report["emergency_accesses"]] == [opened["id"]]
