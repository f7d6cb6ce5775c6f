"""tiimi's FHIR face over plain HTTP, with every service behind the gateway on a real broker.

Each answer is checked by the fhir.resources library (R4B models) here, in the test, as well as
by the gateway before it sends it; refusals are OperationOutcomes with the status the other
routes give; a partner carries a referral to completed through Task updates alone; and no
answer carries the personal identity code unless the request asks with a reason and the reveal's
own rule lets the caller have it.
"""
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

import consent
import notify
import referral
import team
from gateway.auth import mint
from gateway.fhir import systems, validate
from tiimi_shared.logging import has_identity_code
from tiimi_shared.testing.fixtures import migrate
from tiimi_shared.testing.servers import free_port

pytestmark = pytest.mark.integration

SECRET = "a-local-secret-of-at-least-32-characters"
COUNTY, NGO, OTHER = "1234567-8", "0123456-7", "7654321-0"
HETU = "131052-308T"
FHIR_JSON = "application/fhir+json"
REASON_HEADER = "Tiimi-Identity-Code-Reason"
NOTIFICATIONS = "/fhir/AuditEvent/$disclosure-notifications"


class Caller:
    def __init__(self, base, token=None):
        self.base = base
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, params=None, **headers):
        return requests.get(self.base + path, params=params, headers=self.headers | headers, timeout=30)

    def post(self, path, body=None):
        return requests.post(self.base + path, json=body or {}, headers=self.headers, timeout=30)

    def put(self, path, body, **headers):
        return requests.put(self.base + path, data=json.dumps(body),
                            headers=self.headers | {"Content-Type": FHIR_JSON} | headers, timeout=30)


def professional(base, subject, organisation=COUNTY):
    return Caller(base, mint(SECRET, subject=subject, organisation=organisation, kind="professional"))


def partner(base, organisation):
    return Caller(base, mint(SECRET, subject="desk-1", organisation=organisation, kind="partner"))


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def fhir(response, resource_type):
    """The answer, once it is a FHIR resource of ``resource_type`` that the library accepts."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == FHIR_JSON
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["resourceType"] == resource_type
    validate.model_of(body)  # raises, naming the element, if the library refuses it
    return body


def outcome(response, status, code):
    """The refusal, once it is a valid OperationOutcome with ``status`` and the issue type ``code``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == FHIR_JSON
    body = response.json()
    assert body["resourceType"] == "OperationOutcome" and "Traceback" not in response.text
    validate.model_of(body)
    assert body["issue"][0]["code"] == code and body["issue"][0]["diagnostics"]
    return body


def matched(bundle, resource_type):
    entries = bundle.get("entry", [])  # FHIR writes no empty list: a search that found nothing has none
    assert bundle["type"] == "searchset" and bundle["total"] == len(entries)
    found = [entry["resource"] for entry in entries]
    assert all(resource["resourceType"] == resource_type for resource in found)
    return found


@pytest.fixture(params=["sqlite", "postgresql"])
def databases(request):
    """Each service's own database: SQLite files (the system's default), or a PostgreSQL database each."""
    if request.param == "sqlite":
        yield {}
        return
    infrastructure = request.getfixturevalue("infrastructure")
    made = {package: infrastructure.create_database() for package in (consent, team, referral, notify)}
    yield {package.__name__: {"DATABASE_URL": migrate(Path(package.__file__).parent / "migrations", url)}
           for package, url in made.items()}
    for url in made.values():
        infrastructure.drop_database(url)


@pytest.fixture
def story(databases, system):
    """A key worker registers a client, makes the team, records consent for an NGO, adds its worker,
    and sends the NGO a referral."""
    port = free_port()
    system(**databases, gateway={"WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "JWT_SECRET": SECRET,
                    "MAX_BODY_BYTES": 8192, "RPC_TIMEOUT": 10})
    base = f"http://127.0.0.1:{port}"
    key_worker = professional(base, "sw-1001")
    client = ok(key_worker.post("/clients", {"name": "Maija Meikäläinen", "personal_identity_code": HETU,
                                             "preferred_language": "fi", "municipality": "837"}), 201)
    team = ok(key_worker.post("/teams", {"client_id": client["id"], "name": "S. Social",
                                         "role": "social_worker"}), 201)
    ok(key_worker.post(f"/clients/{client['id']}/consents", {
        "given_by": {"kind": "client"}, "recipient_organisation": NGO, "categories": ["basic", "team"],
        "purposes": ["team_coordination", "referral"], "method": "written"}), 201)
    ok(key_worker.post(f"/teams/{team['id']}/members", {"kind": "professional", "professional": {
        "professional_id": "ngo-7", "name": "N. N.", "organisation": NGO, "role": "ngo_worker"}}), 201)
    draft = ok(key_worker.post("/referrals", {
        "client_id": client["id"], "target_organisation": NGO, "service": "ngo_peer_support",
        "reason": "peer support near home", "share": {"basic": {"language": "fi"}},
        "accept_by": (datetime.now(UTC) + timedelta(days=3)).isoformat()}), 201)
    ok(key_worker.post(f"/referrals/{draft['id']}/send"))
    return {"base": base, "key_worker": key_worker, "client": client, "team": team,
            "referral": draft, "ngo_worker": professional(base, "ngo-7", NGO)}


def test_metadata_is_public_and_says_what_is_served(story):
    statement = fhir(Caller(story["base"]).get("/fhir/metadata"), "CapabilityStatement")
    assert statement["fhirVersion"] == "4.0.1" and statement["format"] == [FHIR_JSON]
    assert statement["implementation"]["url"] == story["base"] + "/fhir"
    assert {r["type"] for r in statement["rest"][0]["resource"]} == {
        "CareTeam", "Consent", "Task", "ServiceRequest", "AuditEvent"}


def test_each_read_answers_resources_the_library_accepts_and_is_logged(story):
    key_worker, ngo_worker, client = story["key_worker"], story["ngo_worker"], story["client"]
    client_id = client["id"]
    (team,) = matched(fhir(key_worker.get(f"/fhir/CareTeam?subject={client_id}"), "Bundle"), "CareTeam")
    assert team["id"] == story["team"]["id"] and team["status"] == "proposed"
    assert team["subject"]["identifier"] == {"system": systems.CLIENT_ID, "value": client_id}
    # The same search by patient=Patient/<id>, by a member from another organisation that consent lets in.
    (theirs,) = matched(fhir(ngo_worker.get(f"/fhir/CareTeam?patient=Patient/{client_id}"), "Bundle"),
                        "CareTeam")
    assert theirs["id"] == team["id"]

    (given,) = matched(fhir(key_worker.get(f"/fhir/Consent?patient={client_id}"), "Bundle"), "Consent")
    assert given["status"] == "active" and given["provision"]["type"] == "permit"

    events = matched(fhir(key_worker.get(f"/fhir/AuditEvent?patient={client_id}"), "Bundle"), "AuditEvent")
    # The NGO worker's FHIR read of the team was logged as disclosures, as the JSON route's read is.
    disclosed = [e for e in events if e["type"]["code"] == "110106"
                 and any(a["who"]["identifier"]["value"] == "ngo-7" for a in e["agent"] if "who" in a)]
    assert sorted(e["entity"][1]["type"]["code"] for e in disclosed) == ["basic", "team"]

    task = fhir(key_worker.get(f"/fhir/Task/{story['referral']['id']}"), "Task")
    assert task["status"] == "requested" and task["owner"]["identifier"]["value"] == NGO
    asked = fhir(key_worker.get(f"/fhir/ServiceRequest/{story['referral']['id']}"), "ServiceRequest")
    assert asked["reasonCode"] == [{"text": "peer support near home"}]  # the requester's side sees why
    seen_by_partner = fhir(partner(story["base"], NGO).get(f"/fhir/ServiceRequest/{story['referral']['id']}"),
                           "ServiceRequest")
    assert "reasonCode" not in seen_by_partner

    window = {"from": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
              "to": (datetime.now(UTC) + timedelta(minutes=1)).isoformat()}
    notifications = fhir(key_worker.get(NOTIFICATIONS, {"patient": client_id} | window), "Bundle")
    assert notifications["type"] == "collection" and notifications["entry"]
    for entry in notifications["entry"]:
        bundle = entry["resource"]
        assert bundle["type"] == "transaction"
        assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["AuditEvent", "Provenance"]
        assert bundle["entry"][1]["resource"]["agent"][0]["who"]["identifier"]["value"] == COUNTY
        assert bundle["entry"][0]["resource"]["agent"][-1]["who"]["identifier"]["value"] != COUNTY


def test_refusals_are_operation_outcomes(story):
    base, client_id, key_worker = story["base"], story["client"]["id"], story["key_worker"]
    outsider = professional(base, "sw-9999")
    for path in (f"/fhir/CareTeam?subject={client_id}", f"/fhir/Consent?patient={client_id}",
                 f"/fhir/AuditEvent?patient={client_id}"):
        outcome(outsider.get(path), 403, "forbidden")
    # A member of the team, but not its key worker: consents and the disclosure log are not theirs.
    outcome(story["ngo_worker"].get(f"/fhir/Consent?patient={client_id}"), 403, "forbidden")
    outcome(story["ngo_worker"].get(f"/fhir/AuditEvent?patient={client_id}"), 403, "forbidden")
    outcome(story["ngo_worker"].get(NOTIFICATIONS, {"patient": client_id, "from": "2026-01-01T00:00:00Z",
                                                    "to": "2027-01-01T00:00:00Z"}), 403, "forbidden")
    outcome(key_worker.get(f"/fhir/CareTeam?subject={uuid.uuid4()}"), 404, "not-found")
    outcome(key_worker.get(f"/fhir/Task/{uuid.uuid4()}"), 404, "not-found")
    outcome(Caller(base).get(f"/fhir/CareTeam?subject={client_id}"), 401, "login")
    # Partners' and professionals' doors stay apart, as in the rest of the API.
    outcome(partner(base, NGO).get(f"/fhir/CareTeam?subject={client_id}"), 403, "forbidden")
    outcome(key_worker.get(f"/fhir/Task?owner={COUNTY}"), 403, "forbidden")
    outcome(partner(base, NGO).get(f"/fhir/Task?owner={OTHER}"), 403, "forbidden")
    # A search that is not understood is refused, naming the parameter.
    missing = outcome(key_worker.get("/fhir/CareTeam"), 400, "invalid")
    assert missing["issue"][1]["expression"] == ["subject"]
    unknown = outcome(key_worker.get(f"/fhir/Consent?patient={client_id}&status=active"), 400, "invalid")
    assert unknown["issue"][1]["expression"] == ["status"]
    bad_range = outcome(key_worker.get(NOTIFICATIONS, {"patient": client_id, "from": "yesterday",
                                                       "to": "2027-01-01T00:00:00Z"}), 400, "invalid")
    assert bad_range["issue"][1]["expression"] == ["from"]


def task_update(task, status, reason=None, outcome_code=None, summary=None):
    """The Task as the partner read it, with a new status: FHIR's update sends the whole resource."""
    changed = {key: value for key, value in task.items() if key not in ("statusReason", "output")}
    changed["status"] = status
    if reason:
        changed["statusReason"] = {"text": reason}
    if outcome_code:
        changed["output"] = [{
            "type": {"coding": [{"system": systems.REFERRAL_OUTPUT, "code": "outcome"}]},
            "valueCodeableConcept": {"coding": [{"system": systems.REFERRAL_OUTCOME, "code": outcome_code}],
                                     "text": summary}}]
    return changed


def test_a_partner_completes_a_referral_through_task_updates(story):
    base, referral_id = story["base"], story["referral"]["id"]
    ngo = partner(base, NGO)
    (listed,) = matched(fhir(ngo.get(f"/fhir/Task?owner=Organization/{NGO}"), "Bundle"), "Task")
    assert listed["id"] == referral_id and listed["status"] == "requested"
    assert matched(fhir(partner(base, OTHER).get(f"/fhir/Task?owner={OTHER}"), "Bundle"), "Task") == []

    task = fhir(ngo.get(f"/fhir/Task/{referral_id}"), "Task")
    accepted = fhir(ngo.put(f"/fhir/Task/{referral_id}", task_update(task, "accepted"),
                            **{"Idempotency-Key": "accept-1"}), "Task")
    assert accepted["status"] == "accepted"
    # The same request again (a lost answer) is answered as the first and changes nothing more.
    again = ngo.put(f"/fhir/Task/{referral_id}", task_update(task, "accepted"),
                    **{"Idempotency-Key": "accept-1"})
    assert fhir(again, "Task") == accepted and again.headers["Idempotency-Key"] == "accept-1"
    # The same key with another body is refused.
    outcome(ngo.put(f"/fhir/Task/{referral_id}", task_update(task, "rejected", reason="full"),
                    **{"Idempotency-Key": "accept-1"}), 422, "business-rule")

    started = fhir(ngo.put(f"/fhir/Task/{referral_id}", task_update(accepted, "in-progress")), "Task")
    assert started["status"] == "in-progress" and "start" in started["executionPeriod"]
    done = fhir(ngo.put(f"/fhir/Task/{referral_id}", task_update(
        started, "completed", outcome_code="goal_met", summary="joined a group")), "Task")
    assert done["status"] == "completed" and "end" in done["executionPeriod"]
    assert done["output"][0]["valueCodeableConcept"]["coding"][0]["code"] == "goal_met"

    # The state machine is the referral service's, as for the other doors: completed is final.
    outcome(ngo.put(f"/fhir/Task/{referral_id}", task_update(done, "accepted")), 409, "conflict")
    history = ok(story["key_worker"].get(f"/referrals/{referral_id}"))["history"]
    assert [step["to_status"] for step in history] == ["draft", "requested", "accepted", "in_progress",
                                                       "completed"]
    assert history[-1]["detail"]["outcome"] == {"code": "goal_met", "summary": "joined a group"}
    # The requester sees the completed Task with its outcome too.
    assert fhir(story["key_worker"].get(f"/fhir/Task/{referral_id}"), "Task")["status"] == "completed"


def test_task_updates_a_partner_may_not_make_are_refused_naming_the_field(story):
    base, referral_id = story["base"], story["referral"]["id"]
    ngo = partner(base, NGO)
    task = fhir(ngo.get(f"/fhir/Task/{referral_id}"), "Task")
    cancelled = outcome(ngo.put(f"/fhir/Task/{referral_id}", task_update(task, "cancelled")), 400, "invalid")
    assert cancelled["issue"][1]["expression"] == ["Task.status"]
    malformed = outcome(ngo.put(f"/fhir/Task/{referral_id}", task | {"colour": "blue"}), 400, "invalid")
    assert malformed["issue"][1]["expression"] == ["Task.colour"]
    not_a_task = outcome(ngo.put(f"/fhir/Task/{referral_id}", {"resourceType": "Patient"}), 400, "invalid")
    assert not_a_task["issue"][1]["expression"] == ["resourceType"]
    # A reason is the referral service's rule for a rejection, as for the other doors.
    outcome(ngo.put(f"/fhir/Task/{referral_id}", task_update(task, "rejected")), 400, "invalid")
    # Only the target answers: another partner, and the requesting professional, are refused.
    outcome(partner(base, OTHER).put(f"/fhir/Task/{referral_id}", task_update(task, "accepted")), 403,
            "forbidden")
    outcome(story["key_worker"].put(f"/fhir/Task/{referral_id}", task_update(task, "accepted")), 403,
            "forbidden")
    assert fhir(ngo.get(f"/fhir/Task/{referral_id}"), "Task")["status"] == "requested"


def test_no_identity_code_without_a_reason_and_the_right_to_it(story):
    base, client_id, key_worker = story["base"], story["client"]["id"], story["key_worker"]
    plain = [key_worker.get(f"/fhir/CareTeam?subject={client_id}"),
             key_worker.get(f"/fhir/Consent?patient={client_id}"),
             key_worker.get(f"/fhir/AuditEvent?patient={client_id}"),
             key_worker.get(f"/fhir/Task/{story['referral']['id']}"),
             partner(base, NGO).get(f"/fhir/Task/{story['referral']['id']}"),
             story["ngo_worker"].get(f"/fhir/CareTeam?subject={client_id}")]
    for response in plain:
        assert response.status_code == 200, response.text
        assert not has_identity_code(response.text), response.url

    # From another organisation the reveal's rule refuses it, even with a reason: nothing is shown.
    refused = story["ngo_worker"].get(f"/fhir/CareTeam?subject={client_id}",
                                      **{REASON_HEADER: "to%20check%20identity"})
    outcome(refused, 403, "forbidden")
    assert not has_identity_code(refused.text)
    outcome(key_worker.get(f"/fhir/CareTeam?subject={client_id}", **{REASON_HEADER: ""}), 400, "invalid")

    # The key worker, at home, with a reason: the code rides on a contained Patient, in the national system.
    shown = fhir(key_worker.get(f"/fhir/CareTeam?subject={client_id}",
                                **{REASON_HEADER: "Kela%20asks%20for%20the%20identity%20code"}), "Bundle")
    (team,) = matched(shown, "CareTeam")
    (patient,) = team["contained"]
    assert {"system": systems.PERSONAL_IDENTITY_CODE, "value": HETU} in [
        {k: i[k] for k in ("system", "value")} for i in patient["identifier"]]
    assert team["subject"] == {"reference": "#client", "type": "Patient"}
    reveals = ok(key_worker.get(f"/clients/{client_id}/identity-code/reveals"))
    assert [r["reason"] for r in reveals] == ["Kela asks for the identity code"]
