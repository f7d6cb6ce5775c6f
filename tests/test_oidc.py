"""The local OpenID provider (deploy/oidc) and the gateway verifying its tokens through its JWKS.

The provider is the real one ``make run`` starts (node, oidc-provider), on a free
port; a person's login is done over HTTP as a browser does it: authorisation
request, the provider's login form, the redirect back with a code, and the code
exchanged with its PKCE verifier.
"""
import base64
import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from tiimi_shared.testing.servers import free_port

pytestmark = pytest.mark.integration

OIDC = Path(__file__).resolve().parents[1] / "deploy" / "oidc"
USERS = {user["sub"]: user for user in json.loads((OIDC / "users.json").read_text())["users"]}
CLIENT_ID = "tiimi-web"
AUDIENCE = "tiimi-gateway"
APP_PORT = free_port()  # where the browser app would be: any port given in TIIMI_OIDC_REDIRECT_URIS
APP = f"http://127.0.0.1:{APP_PORT}"
REDIRECT_URI = f"{APP}/app/callback"


class Provider:
    def __init__(self, issuer: str, var: Path):
        self.issuer, self.var = issuer, var
        self.discovery = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()

    def signing_key(self) -> tuple[str, object]:
        """The provider's own private key (kept under var/oidc/), to sign tokens it would never issue."""
        (key,) = json.loads((self.var / "oidc" / "keys.json").read_text())["jwks"]["keys"]
        return key["kid"], jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(key))


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    if shutil.which("node") is None:
        pytest.fail("node is not on the path: the local OpenID provider needs Node.js 20.19 or newer")
    if not (OIDC / "node_modules" / "oidc-provider").is_dir():
        pytest.fail(f"{OIDC}/node_modules is missing: run make install (npm ci --prefix deploy/oidc)")
    var = tmp_path_factory.mktemp("oidc-var")
    port = free_port()
    env = os.environ | {"TIIMI_OIDC_PORT": str(port), "TIIMI_VAR_DIR": str(var),
                        "TIIMI_OIDC_REDIRECT_URIS": REDIRECT_URI, "TIIMI_OIDC_POST_LOGOUT_URIS": f"{APP}/"}
    env.pop("TIIMI_OIDC_ISSUER", None)
    log = var / "oidc.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(["node", str(OIDC / "server.js")], env=env, stdout=output,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    issuer = f"http://127.0.0.1:{port}"
    try:
        yield started(issuer, var, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def started(issuer: str, var: Path, process: subprocess.Popen, log: Path) -> Provider:
    deadline = time.monotonic() + 20
    while True:
        if process.poll() is not None:
            pytest.fail(f"the OpenID provider exited with {process.returncode}:\n{log.read_text()}")
        try:
            return Provider(issuer, var)
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                pytest.fail(f"the OpenID provider did not answer at {issuer} in 20 s:\n{log.read_text()}")
            time.sleep(0.1)


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize(provider: Provider, session: requests.Session, challenge: str | None = None,
              follow: bool = True, **extra: str) -> requests.Response:
    params = {"client_id": CLIENT_ID, "response_type": "code", "scope": "openid profile tiimi",
              "redirect_uri": REDIRECT_URI, "state": secrets.token_urlsafe(8), "nonce": "n-1"} | extra
    if challenge:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    return session.get(provider.discovery["authorization_endpoint"], params=params, timeout=10,
                       allow_redirects=follow)


def log_in(provider: Provider, username: str, password: str, challenge: str,
           session: requests.Session | None = None) -> requests.Response:
    """As a browser: the login form, the credentials posted, redirects followed up to the app's callback.

    The answer is the provider's last: a redirect to the callback, or a page.
    """
    session = session or requests.Session()
    form = authorize(provider, session, challenge)
    assert form.status_code == 200, form.text
    action = re.search(r'<form method="post" action="([^"]+)"', form.text)
    assert action, form.text
    answer = session.post(urljoin(form.url, action.group(1)), allow_redirects=False, timeout=10,
                          data={"username": username, "password": password})
    while answer.is_redirect and not answer.headers["location"].startswith(REDIRECT_URI):
        answer = session.get(urljoin(answer.url, answer.headers["location"]), allow_redirects=False,
                             timeout=10)
    return answer


def tokens(provider: Provider, subject: str, session: requests.Session | None = None) -> dict:
    verifier, challenge = pkce_pair()
    back = log_in(provider, subject, USERS[subject]["password"], challenge, session)
    assert back.is_redirect and back.headers["location"].startswith(REDIRECT_URI), back.text
    query = parse_qs(urlsplit(back.headers["location"]).query)
    answer = requests.post(provider.discovery["token_endpoint"], timeout=10, headers={"Origin": APP}, data={
        "grant_type": "authorization_code", "code": query["code"][0], "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI, "code_verifier": verifier})
    assert answer.status_code == 200, answer.text
    assert answer.headers["access-control-allow-origin"] == APP  # the browser app may read it
    return answer.json()


def verified(provider: Provider, token: str, audience: str) -> dict:
    key = jwt.PyJWKClient(provider.discovery["jwks_uri"]).get_signing_key_from_jwt(token).key
    return jwt.decode(token, key, algorithms=["RS256", "ES256"], audience=audience, issuer=provider.issuer)


@pytest.mark.parametrize("subject", sorted(USERS))
def test_each_demo_user_logs_in_with_code_and_pkce_and_gets_a_jwt_for_the_gateway(provider, subject):
    user = USERS[subject]
    answer = tokens(provider, subject)
    assert jwt.get_unverified_header(answer["access_token"])["alg"] == "RS256"
    expected = {"sub": subject, "org": user["org"], "kind": user["kind"], "name": user["name"],
                "locale": user["locale"]}
    access = verified(provider, answer["access_token"], AUDIENCE)
    assert access.items() >= expected.items()
    assert access["iss"] == provider.issuer and access["client_id"] == CLIENT_ID
    assert 3500 <= access["exp"] - access["iat"] <= 3600
    identity = verified(provider, answer["id_token"], CLIENT_ID)
    assert identity.items() >= (expected | {"nonce": "n-1"}).items()


def test_the_provider_publishes_what_the_app_and_the_gateway_need(provider):
    discovery = provider.discovery
    assert discovery["issuer"] == provider.issuer
    assert discovery["jwks_uri"] == f"{provider.issuer}/jwks"
    assert {"openid", "profile", "tiimi"} <= set(discovery["scopes_supported"])
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert discovery["end_session_endpoint"]
    keys = requests.get(discovery["jwks_uri"], timeout=10).json()["keys"]
    assert keys and all("d" not in key and key["kid"] for key in keys)  # public halves only


def test_a_wrong_password_gets_no_code(provider):
    _, challenge = pkce_pair()
    answer = log_in(provider, "sw-1001", "not-the-password", challenge)
    assert answer.status_code == 401 and not answer.is_redirect
    assert "wrong password" in answer.text
    assert "code=" not in answer.headers.get("location", "")


def test_a_login_without_pkce_or_to_a_foreign_address_does_not_start(provider):
    session = requests.Session()
    back = authorize(provider, session, None, follow=False).headers["location"]
    without_pkce = parse_qs(urlsplit(back).query)
    assert without_pkce["error"] == ["invalid_request"] and "PKCE" in without_pkce["error_description"][0]
    assert "code" not in without_pkce
    _, challenge = pkce_pair()
    foreign = authorize(provider, session, challenge, redirect_uri="https://attacker.example/callback")
    assert foreign.status_code == 400 and "redirect_uri" in foreign.text


def test_the_token_endpoint_answers_no_other_origin(provider):
    # A preflight passes anywhere (it names no client); the request itself is checked against tiimi-web's.
    answer = requests.post(provider.discovery["token_endpoint"], timeout=10, headers={
        "Origin": "https://attacker.example"}, data={"grant_type": "authorization_code", "code": "x",
                                                     "client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI})
    assert answer.status_code >= 400
    assert "access-control-allow-origin" not in answer.headers


def test_logging_out_ends_the_session_at_the_provider_and_returns_to_the_app(provider):
    browser = requests.Session()
    id_token = tokens(provider, "nurse-5", browser)["id_token"]
    _, challenge = pkce_pair()
    # While the session lasts, the provider asks for no password.
    again = authorize(provider, browser, challenge, follow=False)
    assert again.is_redirect and "<form" not in again.text
    ask = browser.get(provider.discovery["end_session_endpoint"], timeout=10, params={
        "id_token_hint": id_token, "post_logout_redirect_uri": f"{APP}/", "client_id": CLIENT_ID})
    assert ask.status_code == 200 and "Log out of tiimi?" in ask.text
    form = re.search(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', ask.text, re.S)
    assert form, ask.text
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2))) | {"logout": "yes"}
    out = browser.post(urljoin(ask.url, form.group(1)), data=fields, allow_redirects=False, timeout=10)
    while out.is_redirect and not out.headers["location"].startswith(APP):
        out = browser.get(urljoin(out.url, out.headers["location"]), allow_redirects=False, timeout=10)
    assert out.is_redirect and out.headers["location"] == f"{APP}/"
    assert "<form" in authorize(provider, browser, challenge).text  # the login form again


@pytest.fixture
def gateway(system, provider):
    port = free_port()
    system(gateway={"WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "JWT_JWKS_URL": provider.discovery["jwks_uri"],
                    "JWT_ISSUER": provider.issuer, "JWT_AUDIENCE": AUDIENCE, "RPC_TIMEOUT": 10})
    return f"http://127.0.0.1:{port}"


def test_the_gateway_takes_the_providers_token_and_refuses_others(provider, gateway):
    def my_clients(token: str) -> requests.Response:
        return requests.get(f"{gateway}/me/clients", headers={"Authorization": f"Bearer {token}"}, timeout=30)

    key_worker = tokens(provider, "sw-1001")["access_token"]
    registered = requests.post(f"{gateway}/clients", headers={"Authorization": f"Bearer {key_worker}"},
                               timeout=30, json={"name": "Maija Meikäläinen", "preferred_language": "fi",
                                                 "personal_identity_code": "131052-308T",
                                                 "municipality": "837"})
    assert registered.status_code == 201, registered.text
    team = requests.post(f"{gateway}/teams", headers={"Authorization": f"Bearer {key_worker}"}, timeout=30,
                         json={"client_id": registered.json()["id"], "name": USERS["sw-1001"]["name"],
                               "role": "social_worker"})
    assert team.status_code == 201, team.text
    mine = my_clients(key_worker)
    assert mine.status_code == 200, mine.text
    assert [involvement["client_id"] for involvement in mine.json()] == [registered.json()["id"]]

    kid, provider_key = provider.signing_key()
    now = datetime.now(UTC)
    good = {"iss": provider.issuer, "aud": AUDIENCE, "sub": "sw-1001", "org": "1234567-8",
            "kind": "professional", "iat": now, "exp": now + timedelta(hours=1)}
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    refused = {
        "another key, the provider's key id": jwt.encode(good, stranger, "RS256", headers={"kid": kid}),
        "another audience": jwt.encode(good | {"aud": "someone-else"}, provider_key, "RS256",
                                       headers={"kid": kid}),
        "another issuer": jwt.encode(good | {"iss": "https://id.example"}, provider_key, "RS256",
                                     headers={"kid": kid}),
        "expired": jwt.encode(good | {"iat": now - timedelta(hours=3), "exp": now - timedelta(hours=2)},
                              provider_key, "RS256", headers={"kid": kid}),
        "the ID token": tokens(provider, "sw-1001")["id_token"],
    }
    assert my_clients(jwt.encode(good, provider_key, "RS256", headers={"kid": kid})).status_code == 200
    for why, token in refused.items():
        assert my_clients(token).status_code == 401, why
