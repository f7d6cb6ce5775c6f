"""The gateway over plain HTTP, with every service behind it on a real broker."""
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
import requests
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi

from gateway.auth import mint
from gateway.service import ROUTES
from tiimi_shared.testing.servers import free_port

pytestmark = pytest.mark.integration

SECRET = "a-local-secret-of-at-least-32-characters"
COUNTY, NGO, OTHER = "1234567-8", "0123456-7", "7654321-0"
HETU = "131052-308T"


@pytest.fixture
def gateway(system):
    port = free_port()
    system(gateway={"WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "JWT_SECRET": SECRET,
                    "MAX_BODY_BYTES": 4096, "RPC_TIMEOUT": 10})
    return f"http://127.0.0.1:{port}"


_DOCUMENTS: dict[str, dict] = {}


def documented(base, method, path, response):
    """``response``, once its JSON is found to be what the gateway's OpenAPI document says it answers.

    Only successes are checked here; problems are checked by ``problem``.
    """
    if not 200 <= response.status_code < 300:
        return response
    if base not in _DOCUMENTS:
        _DOCUMENTS[base] = requests.get(base + "/openapi.json", timeout=30).json()
    document = _DOCUMENTS[base]
    # The literal path before one with parameters: /clients/search before /clients/{client_id}.
    templates = sorted(document["paths"], key=lambda template: template.count("{"))
    template = next(t for t in templates if method in document["paths"][t]
                    and re.fullmatch(re.sub(r"\{[a-z_]+\}", "[^/]+", t), path.split("?")[0]))
    described = document["paths"][template][method]["responses"][str(response.status_code)]
    assert response.headers["content-type"] == "application/json", (method, path)
    # The answer's schema, with the document's components beside it so that its references resolve.
    schema = described["content"]["application/json"]["schema"] | {"components": document["components"]}
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
              for error in validator.iter_errors(response.json())]
    assert not errors, f"{method.upper()} {path} answered what {template} does not describe: {errors}"
    return response


class Caller:
    def __init__(self, base, token):
        self.base, self.headers = base, {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path):
        return documented(self.base, "get", path,
                          requests.get(self.base + path, headers=self.headers, timeout=30))

    def post(self, path, body=None):
        return documented(self.base, "post", path, requests.post(
            self.base + path, json=body if body is not None else {}, headers=self.headers, timeout=30))


def professional(base, subject, organisation=COUNTY):
    return Caller(base, mint(SECRET, subject=subject, organisation=organisation, kind="professional"))


def partner(base, organisation):
    return Caller(base, mint(SECRET, subject="desk-1", organisation=organisation, kind="partner"))


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def problem(response, status):
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and "Traceback" not in response.text
    return body


@pytest.fixture
def story(gateway):
    """A key worker registers a client, makes the team, records consent for an NGO, adds its worker."""
    key_worker = professional(gateway, "sw-1001")
    client = ok(key_worker.post("/clients", {"name": "Maija Meikäläinen", "personal_identity_code": HETU,
                                             "preferred_language": "fi", "municipality": "837"}), 201)
    team_ = ok(key_worker.post("/teams", {"client_id": client["id"], "name": "S. Social",
                                          "role": "social_worker"}), 201)
    ok(key_worker.post(f"/clients/{client['id']}/consents", {
        "given_by": {"kind": "client"}, "recipient_organisation": NGO, "categories": ["basic", "team"],
        "purposes": ["team_coordination", "referral"], "method": "written"}), 201)
    member = ok(key_worker.post(f"/teams/{team_['id']}/members", {"kind": "professional", "professional": {
        "professional_id": "ngo-7", "name": "N. N.", "organisation": NGO, "role": "ngo_worker"}}), 201)
    assert member["status"] == "active"
    return {"base": gateway, "key_worker": key_worker, "client": client, "team": team_}


def test_a_key_worker_runs_the_story_and_a_partner_answers(story, eventually):
    base, key_worker, client = story["base"], story["key_worker"], story["client"]
    assert "personal_identity_code" not in ok(key_worker.get(f"/clients/{client['id']}"))
    assert ok(key_worker.get("/me/clients"))[0]["client_id"] == client["id"]
    assert [m["professional_id"] for m in ok(key_worker.get(f"/clients/{client['id']}/team"))["members"]] == [
        "sw-1001", "ngo-7"]
    ngo_worker = professional(base, "ngo-7", NGO)
    assert ok(ngo_worker.get(f"/clients/{client['id']}"))["name"] == "Maija Meikäläinen"

    draft = ok(key_worker.post("/referrals", {
        "client_id": client["id"], "target_organisation": NGO, "service": "ngo_peer_support",
        "reason": "peer support", "share": {"basic": {"language": "fi"}, "health": {"note": "x"}},
        "accept_by": (datetime.now(UTC) + timedelta(days=3)).isoformat()}), 201)
    sent = ok(key_worker.post(f"/referrals/{draft['id']}/send"))
    assert sent["shared_categories"] == ["basic"] and "health" in sent["withheld"]

    ngo = partner(base, NGO)
    assert [r["id"] for r in ok(ngo.get("/partner/referrals"))] == [draft["id"]]
    assert ok(ngo.get(f"/partner/referrals/{draft['id']}"))["shared"] == {"basic": {"language": "fi"}}
    for answer in ("accept", "start"):
        ok(ngo.post(f"/partner/referrals/{draft['id']}/{answer}"))
    done = ok(ngo.post(f"/partner/referrals/{draft['id']}/complete",
                       {"outcome": {"code": "goal_met", "summary": "joined a group"}}))
    assert done["status"] == "completed"
    history = ok(key_worker.get(f"/referrals/{draft['id']}"))["history"]
    assert [step["to_status"] for step in history] == ["draft", "requested", "accepted", "in_progress",
                                                       "completed"]

    inbox = eventually(lambda: [i for i in ok(key_worker.get("/inbox"))
                                if i["message"] == "referral_answered"])
    ok(key_worker.post(f"/inbox/{inbox[0]['id']}/read"))
    assert all(i["read_at"] for i in ok(key_worker.get("/inbox")) if i["id"] == inbox[0]["id"])

    # The referral was addressed to the NGO: its partner desk reads the organisation's messages.
    received = eventually(lambda: [i for i in ok(ngo.get("/inbox")) if i["message"] == "referral_received"])
    assert received[0]["link"].endswith(f"/app/partner/referrals/{draft['id']}")
    ok(ngo.post(f"/inbox/{received[0]['id']}/read"))
    assert all(i["read_at"] for i in ok(ngo.get("/inbox")) if i["id"] == received[0]["id"])
    problem(ngo.post(f"/inbox/{inbox[0]['id']}/read"), 404)  # the key worker's own is not the desk's

    # Each read went to the disclosure log: the key worker's as access, the NGO worker's as disclosure.
    entries = ok(key_worker.get(f"/clients/{client['id']}/disclosures"))["entries"]
    logged = {(e["professional"], e["kind"]) for e in entries}
    assert {("sw-1001", "access"), ("ngo-7", "disclosure")} <= logged


def test_my_clients_name_the_client_at_home_and_tell_the_key_worker_what_needs_them(story):
    base, key_worker, client, team_ = story["base"], story["key_worker"], story["client"], story["team"]
    ends = datetime.now(UTC) + timedelta(days=10)
    ok(key_worker.post(f"/clients/{client['id']}/consents", {
        "given_by": {"kind": "client"}, "recipient_organisation": OTHER, "categories": ["health"],
        "purposes": ["team_coordination"], "method": "written", "valid_until": ends.isoformat()}), 201)
    pending = ok(key_worker.post(f"/teams/{team_['id']}/members", {"kind": "professional", "professional": {
        "professional_id": "x-3", "name": "X", "organisation": OTHER, "role": "ngo_worker"}}), 201)
    assert pending["status"] == "pending_consent"  # consent for its organisation covers no `basic`
    draft = ok(key_worker.post("/referrals", {
        "client_id": client["id"], "target_organisation": NGO, "service": "ngo_peer_support",
        "reason": "r", "share": {"basic": {}},
        "accept_by": (datetime.now(UTC) + timedelta(days=3)).isoformat()}), 201)
    ok(key_worker.post(f"/referrals/{draft['id']}/send"))
    ok(partner(base, NGO).post(f"/partner/referrals/{draft['id']}/accept"))

    (mine,) = ok(key_worker.get("/me/clients"))
    assert {k: mine[k] for k in ("client_id", "client_name", "as", "team_status")} == {
        "client_id": client["id"], "client_name": "Maija Meikäläinen", "as": "key_worker",
        "team_status": team_["status"]}
    needs = mine["needs_me"]
    assert (needs["pending_members"], needs["overdue_referrals"], needs["answered_referrals"],
            needs["consents_ending"]) == (1, 0, 1, 1)
    assert abs(datetime.fromisoformat(needs["first_consent_ends_at"]) - ends) < timedelta(seconds=1)

    # A member from another organisation: consent permits them `basic`, but a list is no place to
    # disclose it (the read would need its own check and log), so they get no name and no signals.
    (theirs,) = ok(professional(base, "ngo-7", NGO).get("/me/clients"))
    assert (theirs["client_id"], theirs["client_name"], theirs["as"], theirs["needs_me"]) == (
        client["id"], None, "member", None)
    entries = ok(key_worker.get(f"/clients/{client['id']}/disclosures"))["entries"]
    assert not [e for e in entries if e["professional"] == "ngo-7" and e["kind"] == "disclosure"]
    assert ok(professional(base, "sw-9999").get("/me/clients")) == []


def test_a_withdrawn_consent_refuses_the_very_next_read(story):
    """The gateway keeps no answer between requests: the read right after the withdrawal is refused,
    without waiting for the team to suspend the member, and nothing more is logged as disclosed."""
    base, key_worker, client = story["base"], story["key_worker"], story["client"]
    ngo_worker = professional(base, "ngo-7", NGO)
    client_path = f"/clients/{client['id']}"
    reads = (client_path, f"{client_path}/team", f"{client_path}/referrals")
    for path in reads:
        ok(ngo_worker.get(path))

    def disclosed_to_ngo_worker():
        entries = ok(key_worker.get(f"{client_path}/disclosures"))["entries"]
        return {e["entry_id"]: e["category"] for e in entries
                if e["professional"] == "ngo-7" and e["kind"] == "disclosure"}

    disclosed = disclosed_to_ngo_worker()
    assert sorted(disclosed.values()) == ["basic", "basic", "basic", "team"]
    consent_id = ok(key_worker.get(f"{client_path}/consents"))["consents"][0]["id"]
    ok(key_worker.post(f"{client_path}/consents/{consent_id}/withdraw", {"reason": "client asked"}))
    for path in reads:
        problem(ngo_worker.get(path), 403)
    assert disclosed_to_ngo_worker() == disclosed


def test_a_removed_member_is_refused_the_very_next_read(story):
    """At home no consent is asked: the team's answer on each request is what keeps a removed member
    out; from another organisation the member is refused even while consent still permits."""
    base, key_worker, client, team_ = story["base"], story["key_worker"], story["client"], story["team"]
    colleague = ok(key_worker.post(f"/teams/{team_['id']}/members", {"kind": "professional", "professional": {
        "professional_id": "sw-2002", "name": "T. Toinen", "organisation": COUNTY, "role": "social_worker"}}),
        201)
    client_path = f"/clients/{client['id']}"
    members = {m["professional_id"]: m for m in ok(key_worker.get(f"{client_path}/team"))["members"]}
    reads = (client_path, f"{client_path}/team", f"{client_path}/referrals")
    for who, organisation, member_id in (("sw-2002", COUNTY, colleague["id"]),
                                         ("ngo-7", NGO, members["ngo-7"]["id"])):
        member = professional(base, who, organisation)
        for path in reads:
            ok(member.get(path))
        ok(key_worker.post(f"/teams/{team_['id']}/members/{member_id}/remove", {"reason": "left the team"}))
        for path in reads:
            assert "only an active member" in problem(member.get(path), 403)["detail"]
    assert ok(key_worker.get(f"{client_path}/consents"))["consents"][0]["status"] == "active"


def test_outsiders_and_other_partners_are_kept_out(story):
    base, client, team_ = story["base"], story["client"], story["team"]
    outsider = professional(base, "sw-9999")
    unknown = problem(outsider.post("/clients/search", {"personal_identity_code": "010101-123N"}), 404)
    hidden = problem(outsider.post("/clients/search", {"personal_identity_code": HETU}), 404)
    assert hidden["detail"] == unknown["detail"]
    found = ok(story["key_worker"].post("/clients/search", {"personal_identity_code": HETU}))
    assert found["id"] == client["id"]
    for path in (f"/clients/{client['id']}", f"/clients/{client['id']}/team",
                 f"/clients/{client['id']}/consents", f"/clients/{client['id']}/referrals"):
        problem(outsider.get(path), 403)
    problem(outsider.post(f"/teams/{team_['id']}/status", {"status": "closed", "reason": "x"}), 403)
    # A team member who is not the key worker may look but not change the team.
    ngo_worker = professional(base, "ngo-7", NGO)
    problem(ngo_worker.post(f"/teams/{team_['id']}/handover", {"reason": "x", "to": {
        "professional_id": "ngo-7", "name": "N", "organisation": NGO, "role": "social_worker"}}), 403)
    problem(ngo_worker.get(f"/clients/{client['id']}/disclosures"), 403)

    draft = ok(story["key_worker"].post("/referrals", {
        "client_id": client["id"], "target_organisation": NGO, "service": "ngo_peer_support",
        "reason": "r", "share": {"basic": {}},
        "accept_by": (datetime.now(UTC) + timedelta(days=3)).isoformat()}), 201)
    ok(story["key_worker"].post(f"/referrals/{draft['id']}/send"))
    other = partner(base, OTHER)
    assert ok(other.get("/partner/referrals")) == []
    problem(other.get(f"/partner/referrals/{draft['id']}"), 403)
    problem(other.post(f"/partner/referrals/{draft['id']}/accept"), 403)
    problem(other.get(f"/clients/{client['id']}"), 403)  # a partner token on a professional's route
    problem(professional(base, "sw-1001").get("/partner/referrals"), 403)


def test_tokens_that_must_not_work_do_not(story):
    base, client = story["base"], story["client"]
    path = f"/clients/{client['id']}"
    now = datetime.now(UTC)
    good = {"iss": "tiimi-local", "aud": "tiimi-gateway", "sub": "sw-1001", "org": COUNTY,
            "kind": "professional", "iat": now, "exp": now + timedelta(hours=1)}
    bad_tokens = {
        "none": None,
        "expired": jwt.encode(good | {"exp": now - timedelta(minutes=5)}, SECRET, algorithm="HS256"),
        "wrong key": jwt.encode(good, "someone-elses-secret-of-32-characters!", algorithm="HS256"),
        "other audience": jwt.encode(good | {"aud": "another-api"}, SECRET, algorithm="HS256"),
        "alg none": jwt.encode(good, None, algorithm="none"),
    }
    for name, token in bad_tokens.items():
        body = problem(Caller(base, token).get(path), 401)
        assert body["detail"], name
    response = Caller(base, None).get(path)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_bad_input_conflicts_and_big_bodies_get_problem_details_and_change_nothing(story):
    key_worker, client, team_ = story["key_worker"], story["client"], story["team"]
    refused = key_worker.post("/clients", {"name": "", "preferred_language": "de", "colour": "blue"})
    body = problem(refused, 400)
    assert {"name", "preferred_language", "colour", "personal_identity_code", "municipality"} <= set(
        body["errors"])
    problem(key_worker.post("/clients", {"name": "X", "personal_identity_code": "131052-308X",
                                         "preferred_language": "fi", "municipality": "837"}), 400)
    response = requests.post(story["base"] + "/clients", data=b"{not json", timeout=10,
                             headers=key_worker.headers | {"content-type": "application/json"})
    problem(response, 400)
    conflict = problem(key_worker.post(f"/teams/{team_['id']}/status", {"status": "suspended"}), 409)
    assert conflict["current_state"] == "proposed" and conflict["allowed"] == ["active", "closed"]
    problem(key_worker.post("/clients", {"name": "x" * 5000}), 413)
    problem(key_worker.get("/clients/not-a-uuid"), 400)
    assert ok(key_worker.get(f"/clients/{client['id']}/team"))["status"] == "proposed"
    duplicate = problem(key_worker.post("/clients", {"name": "Maija", "personal_identity_code": HETU,
                                                     "preferred_language": "fi", "municipality": "837"}), 409)
    assert HETU not in json.dumps(duplicate)


def test_health_and_the_openapi_document(gateway):
    assert requests.get(gateway + "/health/live", timeout=10).json() == {"status": "ok"}
    assert requests.get(gateway + "/health/ready", timeout=10).json()["broker"] == "ok"
    document = requests.get(gateway + "/openapi.json", timeout=10).json()
    validate_openapi(document)
    described = {(method.upper(), path) for path, operations in document["paths"].items()
                 for method in operations}
    routed = {(r.method, r.path.replace("<", "{").replace(">", "}")) for r in ROUTES}
    assert described == routed and len(routed) == len(ROUTES)


# make test's share is small and seeded; make fuzz sets many more (and no seed).
HTTP_EXAMPLES = os.environ.get("TIIMI_FUZZ_HTTP_EXAMPLES")


def test_a_stateful_property_based_run_against_the_live_gateway_finds_no_server_error_or_wrong_answer(
        story, tmp_path):
    """schemathesis on every route, then along the document's links (register a client, make its team,
    add a member, remove them...): no 5xx, and every answer is what the document says it is."""
    token = mint(SECRET, subject="sw-1001", organisation=COUNTY, kind="professional")
    seeded = [] if HTTP_EXAMPLES else ["--seed", "1"]
    done = subprocess.run(
        [str(Path(sys.executable).parent / "schemathesis"), "run", story["base"] + "/openapi.json",
         "--checks", "not_a_server_error,response_schema_conformance",
         "--phases", "examples,coverage,fuzzing,stateful", "--max-examples", HTTP_EXAMPLES or "8", *seeded,
         "--header", f"Authorization: Bearer {token}", "--exclude-path-regex", "^/health/ready$",
         "--report-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=3000, cwd=tmp_path)  # its cache stays out of the repo
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    selected, total = map(int, re.search(r"Selected: (\d+)/(\d+)", done.stdout).groups())
    tested = int(re.search(r"Tested: (\d+)", done.stdout).group(1))
    # Not a vacuous pass: (nearly) every route was exercised; /health/ready is left out on purpose.
    assert tested == selected >= len(ROUTES) - 2 and total >= len(ROUTES) - 1
    # And the stateful phase followed the links between operations, not none of them.
    stateful = re.search(r"Stateful.*?Scenarios:\s+(\d+).*?API Links:\s+(\d+) covered / (\d+) selected",
                         done.stdout, re.S)
    assert stateful, done.stdout[-3000:]
    print(stateful.group(0)[-800:])
    scenarios, covered, links = map(int, stateful.groups())
    assert scenarios > 0 and links >= 20 and covered > 0, stateful.group(0)


def test_every_route_answers_what_the_document_describes(story, eventually):
    """The routes the other stories do not reach, each answer checked against its schema by the callers."""
    base, key_worker, client, team_ = story["base"], story["key_worker"], story["client"], story["team"]
    client_path = f"/clients/{client['id']}"
    assert requests.get(base + "/health/live", timeout=10).json() == {"status": "ok"}
    for path in ("/health/live", "/health/ready", "/openapi.json"):
        documented(base, "get", path, requests.get(base + path, timeout=10))
    with_contact = ok(key_worker.post("/clients", {
        "name": "Kalle Kontakti", "personal_identity_code": "010101A123N", "preferred_language": "sv",
        "municipality": "091", "contact": {"phone": "+358 40 123 4567"}}), 201)
    assert with_contact["contact"]["phone"] == "+358 40 123 4567"

    consents = ok(key_worker.get(f"{client_path}/consents"))
    assert [c["status"] for c in consents["consents"]] == ["active"] and consents["denials"] == []
    denial = ok(key_worker.post(f"{client_path}/denials", {"organisation": OTHER, "categories": ["health"]}),
                201)
    assert denial["status"] == "in_force" and denial["organisation"] == OTHER

    close_one = ok(key_worker.post(f"/teams/{team_['id']}/members", {
        "kind": "close_one", "name": "Matti", "relation": "spouse", "contact": {"email": "m@example.org"}}),
        201)
    assert close_one["professional_id"] is None and close_one["relation"] == "spouse"
    removed = ok(key_worker.post(f"/teams/{team_['id']}/members/{close_one['id']}/remove",
                                 {"reason": "moved away"}))
    assert removed["status"] == "removed"
    assert ok(key_worker.post(f"/teams/{team_['id']}/status", {"status": "active"}))["status"] == "active"

    draft = ok(key_worker.post("/referrals", {
        "client_id": client["id"], "target_organisation": NGO, "service": "housing_guidance",
        "reason": "housing", "share": {"basic": {"language": "fi"}},
        "accept_by": (datetime.now(UTC) + timedelta(days=3)).isoformat()}), 201)
    ok(key_worker.post(f"/referrals/{draft['id']}/send"))
    assert [r["id"] for r in ok(key_worker.get(f"{client_path}/referrals"))] == [draft["id"]]
    cancelled = ok(key_worker.post(f"/referrals/{draft['id']}/cancel", {"reason": "found housing"}))
    assert cancelled["status"] == "cancelled"
    assert ok(partner(base, NGO).get(f"/partner/referrals/{draft['id']}"))["shared"] == {}

    consent_id = consents["consents"][0]["id"]
    withdrawn = ok(key_worker.post(f"{client_path}/consents/{consent_id}/withdraw", {"reason": "asked to"}))
    assert withdrawn["status"] == "withdrawn" and withdrawn["withdrawn_by"] == "sw-1001"
    assert [step["action"] for step in withdrawn["history"]] == ["granted", "withdrawn"]
    listed = ok(key_worker.get(f"{client_path}/consents"))["consents"][0]
    assert [step["action"] for step in listed["history"]] == ["granted", "withdrawn"]
    eventually(lambda: [m for m in ok(key_worker.get(f"{client_path}/team"))["members"]
                        if m["professional_id"] == "ngo-7" and m["status"] == "suspended"])
    handed = ok(key_worker.post(f"/teams/{team_['id']}/handover", {"reason": "parental leave", "to": {
        "professional_id": "sw-2002", "name": "T. Toinen", "organisation": COUNTY, "role": "social_worker"}}))
    assert handed["key_worker"]["professional_id"] == "sw-2002"
    assert handed["key_worker_history"][0]["ended_at"] is not None


def test_a_key_worker_lifts_a_denial_with_a_reason(story):
    key_worker, client_path = story["key_worker"], f"/clients/{story['client']['id']}"
    denial = ok(key_worker.post(f"{client_path}/denials", {"organisation": OTHER, "categories": ["health"]}),
                201)
    lift = f"{client_path}/denials/{denial['id']}/lift"
    assert "reason" in problem(key_worker.post(lift, {}), 400)["errors"]
    lifted = ok(key_worker.post(lift, {"reason": "client agreed"}))
    assert lifted["status"] == "lifted"


def test_the_identity_code_is_revealed_only_with_a_reason_inside_its_organisation_and_recorded(story):
    base, key_worker, client = story["base"], story["key_worker"], story["client"]
    reveal = f"/clients/{client['id']}/identity-code"

    assert "reason" in problem(key_worker.post(reveal, {}), 400)["errors"]
    problem(professional(base, "ngo-7", NGO).post(reveal, {"reason": "curious"}), 403)
    response = key_worker.post(reveal, {"reason": "Kela form needs it"})
    assert ok(response)["personal_identity_code"] == HETU
    assert response.headers["Cache-Control"] == "no-store"

    (recorded,) = ok(key_worker.get(f"{reveal}/reveals"))
    assert (recorded["requested_by"], recorded["reason"]) == ("sw-1001", "Kela form needs it")
    report = ok(key_worker.get(f"/clients/{client['id']}/disclosures"))
    assert HETU not in str(report) and HETU not in str(ok(key_worker.get(f"/clients/{client['id']}/team")))
