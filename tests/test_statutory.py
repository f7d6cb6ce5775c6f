"""Disclosure on a statutory basis: the gateway's rule on fakes, the consent service on SQLite and
PostgreSQL over a real broker, and the whole story through the gateway to the key worker's inbox."""
import json
import re
import uuid
from pathlib import Path

import pytest
import requests
from jsonschema import Draft202012Validator
from nameko.standalone.rpc import ClusterRpcProxy

import consent
from consent.service import ConsentService
from gateway import use_cases
from gateway.auth import Principal, mint
from gateway.use_cases import Services
from tiimi_shared.errors import Forbidden, ValidationError
from tiimi_shared.testing.fakes import FakeService
from tiimi_shared.testing.fixtures import migrate
from tiimi_shared.testing.servers import free_port

SECRET = "a-local-secret-of-at-least-32-characters"
COUNTY, NGO = "1234567-8", "0123456-7"
POLICE = "police-1"
THREAT = "threat_to_life_or_health"
TEAM = {"id": "t-1", "client_id": "c-1", "status": "active", "organisation": COUNTY,
        "key_worker": {"professional_id": "sw-1001", "organisation": COUNTY},
        "members": [{"kind": "professional", "professional_id": "ngo-7", "organisation": NGO,
                     "status": "active"}]}
BODY = {"recipient_organisation": POLICE, "recipient_kind": "police", "categories": ["basic", "assessment"],
        "legal_basis": THREAT, "justification": "threatened a neighbour with a knife"}


# -- the gateway's rule, on fakes -------------------------------------------------------------


def fake_services():
    def recorded(**kwargs):
        return kwargs
    return Services(team=FakeService(get_team=TEAM),
                    consent=FakeService(record_statutory_disclosure=recorded),
                    referral=FakeService(), notify=FakeService())


@pytest.mark.parametrize("principal", [Principal("sw-1001", COUNTY, "professional"),
                                       Principal("on-call-5", COUNTY, "professional")])
def test_a_professional_of_the_organisation_holding_the_data_records_it_naming_the_key_worker(principal):
    ports = fake_services()

    asked = use_cases.record_statutory_disclosure(ports, principal, "c-1", dict(BODY))

    assert asked == BODY | {"client_id": "c-1", "professional": principal.subject, "organisation": COUNTY,
                            "key_worker_id": "sw-1001"}


@pytest.mark.parametrize("principal", [Principal("ngo-7", NGO, "professional"),
                                       Principal("x-1", "7654321-0", "professional")])
def test_anyone_of_another_organisation_is_refused_and_nothing_is_recorded(principal):
    ports = fake_services()

    with pytest.raises(Forbidden):
        use_cases.record_statutory_disclosure(ports, principal, "c-1", dict(BODY))

    assert ports.consent.calls == []


# -- the consent service on each database, over a real broker ---------------------------------


@pytest.fixture
def consent_rpc(container_factory, rabbit_config, database_url):
    url = migrate(Path(consent.__file__).parent / "migrations", database_url)
    config = {"DATABASE_URL": url, "OUTBOX_INTERVAL": 0.1, "EXPIRY_INTERVAL": 3600, "CHAIN_INTERVAL": 0.1}
    container_factory(ConsentService, rabbit_config | config).start()
    with ClusterRpcProxy(rabbit_config, timeout=20) as proxy:
        yield proxy.consent


def record(rpc, client_id, **overrides):
    args = BODY | {"client_id": client_id, "professional": "sw-1001", "organisation": COUNTY,
                   "key_worker_id": "sw-1001"} | overrides
    return rpc.record_statutory_disclosure(**args)


@pytest.mark.integration
def test_the_consent_service_records_against_a_denial_and_refuses_what_the_basis_does_not_cover(
        consent_rpc, eventually):
    client_id = str(uuid.uuid4())
    denial = consent_rpc.deny(client_id=client_id, organisation=None, categories=["basic", "assessment"],
                              recorded_by="sw-1001")
    check = {"client_id": client_id, "organisation": POLICE, "category": "basic", "purpose": "referral"}
    before = consent_rpc.check(**check)

    for overrides, field in (({"legal_basis": "gossip"}, "legal_basis"),
                             ({"categories": ["health"]}, "categories"),
                             ({"recipient_kind": "court"}, "recipient_kind"),
                             ({"justification": " "}, "justification")):
        with pytest.raises(ValidationError) as refused:
            record(consent_rpc, client_id, **overrides)
        assert set(refused.value.errors) == {field}
    assert consent_rpc.disclosure_report(client_id=client_id)["entries"] == []  # a refusal changes nothing

    recorded = record(consent_rpc, client_id)

    assert recorded["statute"] == "812/2000 18 §" and recorded["legal_basis"] == THREAT
    assert [(e["category"], e["reason"], e["denial_id"]) for e in recorded["entries"]] == [
        ("basic", "statutory_basis", denial["id"]), ("assessment", "statutory_basis", denial["id"])]
    report = consent_rpc.disclosure_report(client_id=client_id)["entries"]
    assert [(e["kind"], e["legal_basis"], e["recipient_kind"], e["justification"]) for e in report] == [
        ("disclosure", THREAT, "police", BODY["justification"])] * 2
    after = consent_rpc.check(**check)
    assert (before["decision"], before["reason"]) == (after["decision"], after["reason"]) == (
        "deny", "denied_by_client")
    chained = eventually(lambda: (lambda v: v if v["unchained"] == 0 else None)(consent_rpc.verify_log()))
    assert chained and chained["intact"]
    bases = {basis["id"]: basis for basis in consent_rpc.list_legal_bases()}
    assert bases[THREAT]["recipient_kinds"] == ["police"]


@pytest.mark.integration
def test_a_malformed_legal_bases_file_stops_the_consent_service_naming_the_problem(
        container_factory, rabbit_config, tmp_path):
    broken = tmp_path / "bases.json"
    broken.write_text(json.dumps({"legal_bases": [{"id": THREAT, "statute": "812/2000 18 §",
                                                  "description": {"fi": "a", "sv": "b", "en": "c"},
                                                  "categories": ["gossip"], "recipient_kinds": ["police"]}]}))
    url = migrate(Path(consent.__file__).parent / "migrations", f"sqlite:///{tmp_path / 'consent.db'}")

    with pytest.raises(ValueError, match=r"legal_bases\[0\]\.categories: 'gossip' is not one of"):
        container_factory(ConsentService, rabbit_config | {"DATABASE_URL": url,
                                                           "LEGAL_BASES": str(broken)}).start()


# -- the whole story through the gateway ------------------------------------------------------


class Caller:
    """A professional over HTTP; each success is checked against what the OpenAPI document describes."""

    def __init__(self, base, subject, organisation):
        self.base = base
        token = mint(SECRET, subject=subject, organisation=organisation, kind="professional")
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path):
        answer = requests.get(self.base + path, headers=self.headers, timeout=30)
        return described(self.base, "get", path, answer)

    def post(self, path, body, headers=None):
        sent = self.headers | (headers or {})
        answer = requests.post(self.base + path, json=body, headers=sent, timeout=30)
        return described(self.base, "post", path, answer)


def described(base, method, path, response):
    if not 200 <= response.status_code < 300:
        return response
    document = requests.get(base + "/openapi.json", timeout=30).json()
    template = next(t for t in sorted(document["paths"], key=lambda t: t.count("{"))
                    if method in document["paths"][t]
                    and re.fullmatch(re.sub(r"\{[a-z_]+\}", "[^/]+", t), path))
    answer = document["paths"][template][method]["responses"][str(response.status_code)]
    schema = answer["content"]["application/json"]["schema"] | {"components": document["components"]}
    errors = [error.message for error in Draft202012Validator(schema).iter_errors(response.json())]
    assert not errors, f"{method} {path}: {errors}"
    return response


def professional(base, subject, organisation=COUNTY):
    return Caller(base, subject, organisation)


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def problem(response, status):
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return response.json()


@pytest.fixture
def story(system):
    """A key worker of the county registers a client and makes the team; an NGO worker joins on consent."""
    port = free_port()
    system(gateway={"WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "JWT_SECRET": SECRET, "RPC_TIMEOUT": 10})
    base = f"http://127.0.0.1:{port}"
    key_worker = professional(base, "sw-1001")
    client = ok(key_worker.post("/clients", {
        "name": "Maija Meikäläinen", "personal_identity_code": "131052-308T", "preferred_language": "en",
        "municipality": "837"}), 201)
    team_ = ok(key_worker.post("/teams", {"client_id": client["id"], "name": "S. Social",
                                          "role": "social_worker"}), 201)
    ok(key_worker.post(f"/clients/{client['id']}/consents", {
        "given_by": {"kind": "client"}, "recipient_organisation": NGO, "categories": ["basic", "team"],
        "purposes": ["team_coordination"], "method": "written"}), 201)
    ok(key_worker.post(f"/teams/{team_['id']}/members", {"kind": "professional", "professional": {
        "professional_id": "ngo-7", "name": "N. N.", "organisation": NGO, "role": "ngo_worker"}}), 201)
    return {"base": base, "key_worker": key_worker, "client": client}


@pytest.mark.integration
def test_a_statutory_disclosure_against_a_denial_reaches_the_log_the_report_and_the_key_worker(
        story, eventually):
    base, key_worker, client = story["base"], story["key_worker"], story["client"]
    path = f"/clients/{client['id']}/statutory-disclosures"
    ok(key_worker.post(f"/clients/{client['id']}/denials", {"organisation": None, "categories": ["basic"]}),
       201)
    bases = ok(key_worker.get("/legal-bases"))
    assert THREAT in {basis["id"] for basis in bases}

    # Refused, each naming its field, and nothing is logged.
    for change, field in (({"legal_basis": "gossip"}, "legal_basis"),
                          ({"categories": ["financial"]}, "categories"),
                          ({"recipient_kind": "health_care"}, "recipient_kind"),
                          ({"justification": "   "}, "justification")):
        refused = problem(key_worker.post(path, BODY | change), 400)
        assert field in json.dumps(refused), refused
    missing = problem(key_worker.post(path, {k: v for k, v in BODY.items() if k != "justification"}), 400)
    assert "justification" in json.dumps(missing)
    problem(professional(base, "ngo-7", NGO).post(path, BODY), 403)  # a member, of another organisation
    report = ok(key_worker.get(f"/clients/{client['id']}/disclosures"))["entries"]
    assert not [e for e in report if e["reason"] == "statutory_basis"]

    # An on-call social worker of the county, not on the team, records it; the denial does not stop it.
    recorded = ok(professional(base, "on-call-5", COUNTY).post(path, BODY), 201)
    assert [e["category"] for e in recorded["entries"]] == ["basic", "assessment"]

    report = ok(key_worker.get(f"/clients/{client['id']}/disclosures"))["entries"]
    statutory = [e for e in report if e["reason"] == "statutory_basis"]
    assert [(e["organisation"], e["professional"], e["legal_basis"], e["recipient_kind"], e["justification"])
            for e in statutory] == [(POLICE, "on-call-5", THREAT, "police", BODY["justification"])] * 2
    assert statutory[0]["denial_id"] is not None and statutory[1]["denial_id"] is None

    told = eventually(lambda: [item for item in ok(key_worker.get("/inbox"))
                               if item["message"] == "statutory_disclosure"])
    assert told, "the key worker was not told"
    # In Finnish: the key worker never chose a language.
    assert "812/2000 18 §" in told[0]["body"] and "luovutuskiellosta huolimatta" in told[0]["body"]
    assert "Maija" in told[0]["body"]  # at home: the key worker is shown the client's name
    assert BODY["justification"] not in json.dumps(told)


@pytest.mark.integration
def test_a_statutory_disclosure_repeated_with_its_idempotency_key_is_recorded_once(story):
    key_worker, client = story["key_worker"], story["client"]
    path = f"/clients/{client['id']}/statutory-disclosures"
    key = {"Idempotency-Key": str(uuid.uuid4())}

    first = ok(key_worker.post(path, BODY, key), 201)
    again = ok(key_worker.post(path, BODY, key), 201)

    assert again == first
    report = ok(key_worker.get(f"/clients/{client['id']}/disclosures"))["entries"]
    assert len([e for e in report if e["reason"] == "statutory_basis"]) == 2  # one a category, once
    problem(key_worker.post(path, BODY | {"justification": "another request"}, key), 422)
