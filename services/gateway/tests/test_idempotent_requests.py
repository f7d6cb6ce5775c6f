"""A request that changes something, repeated with its Idempotency-Key: the first answer, one effect."""
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests

from gateway.auth import Principal, mint
from gateway.idempotency import HEADER, Keyed, RequestKey, header_key, reused
from gateway.problems import Problem
from tiimi_shared.errors import ValidationError
from tiimi_shared.idempotency import ALREADY_USED
from tiimi_shared.testing.fakes import FakeService
from tiimi_shared.testing.servers import free_port

SECRET = "a-local-secret-of-at-least-32-characters"
COUNTY, NGO = "1234567-8", "0123456-7"
KEY_WORKER = Principal("sw-1001", COUNTY, "professional")


def echo(**kwargs):
    return kwargs


# -- the keys, with no broker -------------------------------------------------------------


def test_each_command_of_a_request_gets_a_key_of_its_own_and_the_same_one_on_a_repeat():
    team = FakeService(create_team=echo, get_team=echo)
    first, repeat = RequestKey(KEY_WORKER, "h-1"), RequestKey(KEY_WORKER, "h-1")
    keys = [Keyed(team, "team", key).create_team(client_id="c-1")["idempotency_key"]
            for key in (first, first, repeat)]
    assert keys[0] != keys[1]  # the request's second call of the same command
    assert keys[2] == keys[0]  # the repeated request's first call
    assert "idempotency_key" not in Keyed(team, "team", first).get_team(client_id="c-1")  # a read


def test_a_read_is_logged_and_decided_afresh_on_a_repeat():
    consent = FakeService(disclose=echo, grant=echo)
    key = RequestKey(KEY_WORKER, "h-1")
    assert "idempotency_key" not in Keyed(consent, "consent", key).disclose(client_id="c-1")
    assert "idempotency_key" in Keyed(consent, "consent", key).grant(client_id="c-1")


def test_two_callers_with_the_same_header_never_share_a_key():
    team = FakeService(create_team=echo)
    other = Principal("sw-2002", COUNTY, "professional")
    elsewhere = Principal("sw-1001", NGO, "professional")
    keys = {Keyed(team, "team", RequestKey(principal, "h-1")).create_team()["idempotency_key"]
            for principal in (KEY_WORKER, other, elsewhere)}
    assert len(keys) == 3


def test_a_header_must_be_well_formed_and_one_is_made_when_absent():
    assert header_key({HEADER: "a-key_1"}) == "a-key_1"
    assert uuid.UUID(header_key({}))
    for bad in ("", "with space", "x" * 201, "ä"):
        with pytest.raises(Problem) as refused:
            header_key({HEADER: bad})
        assert HEADER in refused.value.extra["errors"]


def test_only_a_key_used_for_another_request_is_a_reused_key():
    problem = reused(ValidationError({"idempotency_key": [ALREADY_USED]}))
    assert problem is not None and problem.status == 422 and HEADER in problem.extra["errors"]
    assert reused(ValidationError({"idempotency_key": ["Unknown field."]})) is None
    assert reused(ValidationError({"name": ["Missing data for required field."]})) is None


# -- through HTTP, with every service behind the gateway -----------------------------------------


@pytest.fixture
def gateway(system):
    port = free_port()
    system(gateway={"WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "JWT_SECRET": SECRET, "RPC_TIMEOUT": 10})
    return f"http://127.0.0.1:{port}"


def post(base, path, body, key=None, subject="sw-1001"):
    token = mint(SECRET, subject=subject, organisation=COUNTY, kind="professional")
    headers = {"Authorization": f"Bearer {token}"} | ({HEADER: key} if key else {})
    return requests.post(base + path, json=body, headers=headers, timeout=30)


def rows(tmp_path, service, table):
    with sqlite3.connect(tmp_path / f"{service}.db") as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - a test's own names


CLIENT = {"name": "Maija Meikäläinen", "personal_identity_code": "131052-308T", "preferred_language": "fi",
          "municipality": "837"}


@pytest.mark.integration
def test_a_request_repeated_with_its_key_is_answered_as_the_first_and_changes_nothing_more(gateway, tmp_path):
    first = post(gateway, "/clients", CLIENT, key="register-1")
    assert first.status_code == 201, first.text
    assert first.headers[HEADER] == "register-1"
    again = post(gateway, "/clients", CLIENT, key="register-1")
    assert (again.status_code, again.json()) == (201, first.json())
    assert rows(tmp_path, "team", "clients") == 1

    team = {"client_id": first.json()["id"], "name": "S. Social", "role": "social_worker"}
    made = post(gateway, "/teams", team, key="team-1")
    assert made.status_code == 201, made.text
    assert post(gateway, "/teams", team, key="team-1").json() == made.json()
    assert rows(tmp_path, "team", "teams") == 1

    draft = {"client_id": first.json()["id"], "target_organisation": NGO, "service": "ngo_peer_support",
             "priority": "urgent", "reason": "needs peer support", "share": {"basic": {"language": "fi"}},
             "accept_by": (datetime.now(UTC) + timedelta(days=3)).isoformat()}
    drafted = post(gateway, "/referrals", draft, key="draft-1")
    assert drafted.status_code == 201, drafted.text
    assert post(gateway, "/referrals", draft, key="draft-1").json() == drafted.json()
    assert rows(tmp_path, "referral", "referrals") == 1
    # Without a key each request is its own: a second draft.
    assert post(gateway, "/referrals", draft).status_code == 201
    assert rows(tmp_path, "referral", "referrals") == 2


@pytest.mark.integration
def test_the_same_key_with_another_body_is_refused_naming_the_header(gateway, tmp_path):
    assert post(gateway, "/clients", CLIENT, key="register-1").status_code == 201
    refused = post(gateway, "/clients", CLIENT | {"name": "Liisa Virtanen"}, key="register-1")
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert HEADER in refused.json()["errors"]
    assert rows(tmp_path, "team", "clients") == 1
    malformed = post(gateway, "/clients", CLIENT, key="with space")
    assert malformed.status_code == 400 and HEADER in malformed.json()["errors"]
