"""The HTTP edge on fake services: tokens, bodies and problem details, with no broker."""
import json
from types import SimpleNamespace

import pytest
from werkzeug.test import EnvironBuilder

from gateway import problems
from gateway.auth import TokenVerifier, mint
from gateway.service import GatewayService
from gateway.use_cases import Services
from tiimi_shared.testing.fakes import FakeService

SECRET = "a-local-secret-of-at-least-32-characters"
COUNTY, NGO = "1234567-8", "0123456-7"
TEAM = {"id": "t-1", "client_id": "c-1", "status": "active", "organisation": COUNTY,
        "key_worker": {"professional_id": "sw-1001", "organisation": COUNTY}, "members": []}


def token(kind="professional", subject="sw-1001", organisation=COUNTY):
    return "Bearer " + mint(SECRET, subject=subject, organisation=organisation, kind=kind)


def request(method="GET", authorization=None, data=None, **headers):
    if authorization:
        headers["Authorization"] = authorization
    return EnvironBuilder(method=method, path="/", data=data, headers=headers).get_request()


@pytest.fixture
def door():
    """The gateway with its services replaced by fakes."""
    ports = Services(
        team=FakeService(get_team=TEAM, get_client={"id": "c-1", "name": "Maija"},
                         register_client=lambda **kw: {"id": "c-2", "name": kw["name"]}),
        consent=FakeService(record_accesses={}), referral=FakeService(change_status={}), notify=FakeService())

    class Door(GatewayService):
        services = ports

    gateway = Door()
    gateway.tokens = TokenVerifier({"JWT_SECRET": SECRET})
    gateway.settings = SimpleNamespace(max_body=256, rpc_timeout=1.0, amqp_uri="amqp://nowhere")
    return gateway


def answered(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    return json.loads(response.get_data())


def test_a_key_worker_gets_the_client_as_json(door):
    assert answered(door.get_client(request(authorization=token()), client_id="c-1"), 200) == {
        "id": "c-1", "name": "Maija"}
    assert [method for method, _ in door.services.consent.calls] == ["record_accesses"]


def test_no_token_is_a_401_problem_that_names_the_bearer_scheme(door):
    response = door.get_client(request(), client_id="c-1")
    assert answered(response, 401)["title"] == "Unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.mimetype == "application/problem+json"
    assert door.services.team.calls == []


def test_a_partners_token_on_a_professionals_route_is_a_403_problem_before_any_service_is_asked(door):
    partner = request(authorization=token("partner", "desk-1", NGO))
    body = answered(door.get_client(partner, client_id="c-1"), 403)
    assert body["detail"] == "this route is for a professional's token"
    assert door.services.team.calls == []


def test_a_professionals_token_on_a_partners_route_is_a_403_problem(door):
    answered(door.partner_referrals(request(authorization=token())), 403)


def test_an_answer_a_partner_may_not_give_is_a_404_problem(door):
    response = door.answer_referral(request("POST", token("partner", "desk-1", NGO), b"{}"),
                                    referral_id="r-1", answer="cancel")
    assert answered(response, 404)["detail"] == "answer cancel not found"
    assert door.services.referral.calls == []


def test_a_body_is_checked_and_the_registration_is_answered_201(door):
    body = {"name": "Maija", "personal_identity_code": "131052-308T", "preferred_language": "fi",
            "municipality": "837"}
    response = door.register_client(request("POST", token(), json.dumps(body).encode()))
    assert answered(response, 201) == {"id": "c-2", "name": "Maija"}
    assert door.services.team.calls[0][1]["registered_by"] == "sw-1001"


def test_an_invalid_body_is_a_400_problem_naming_each_field(door):
    response = door.register_client(request("POST", token(), b'{"preferred_language": "de"}'))
    assert {"name", "preferred_language", "municipality"} <= set(answered(response, 400)["errors"])
    assert door.services.team.calls == []


@pytest.mark.parametrize(("data", "status", "detail"), [
    (b"{not json", 400, "the body is not JSON"),
    (b"[1, 2]", 400, "the body must be a JSON object"),
    (b"{" + b" " * 300 + b"}", 413, "the body may be at most 256 bytes"),
])
def test_a_body_that_is_not_a_small_json_object_is_a_problem(door, data, status, detail):
    response = door.register_client(request("POST", token(), data))
    assert answered(response, status)["detail"] == detail
    assert door.services.team.calls == []


def test_an_empty_body_reads_as_an_empty_object():
    assert problems.json_object(request("POST", data=b"  "), 256) == {}

