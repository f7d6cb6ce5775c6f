"""Token verification alone: the common attacks on bearer JWTs."""
import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from gateway.auth import Principal, TokenVerifier, Unauthorized, mint

SECRET = "a-local-secret-of-at-least-32-characters"
verifier = TokenVerifier({"JWT_SECRET": SECRET})


def claims(**overrides):
    now = datetime.now(UTC)
    return {"iss": "tiimi-local", "aud": "tiimi-gateway", "sub": "sw-1001", "org": "1234567-8",
            "kind": "professional", "iat": now, "exp": now + timedelta(hours=1)} | overrides


def bearer(token):
    return f"Bearer {token}"


def test_a_minted_token_names_the_professional_and_organisation():
    token = mint(SECRET, subject="sw-1001", organisation="1234567-8", kind="professional")
    assert verifier.verify(bearer(token)) == Principal("sw-1001", "1234567-8", "professional")


@pytest.mark.parametrize("header", [None, "", "Bearer ", "Basic dXNlcjpwYXNz", "sw-1001"])
def test_no_bearer_token_is_unauthorized(header):
    with pytest.raises(Unauthorized, match="bearer token is required"):
        verifier.verify(header)


def test_an_expired_token_is_refused():
    expired = jwt.encode(claims(exp=datetime.now(UTC) - timedelta(minutes=5)), SECRET, algorithm="HS256")
    with pytest.raises(Unauthorized, match="expired"):
        verifier.verify(bearer(expired))


def test_a_token_signed_with_another_key_is_refused():
    forged = jwt.encode(claims(), "another-secret-that-is-also-32-characters", algorithm="HS256")
    with pytest.raises(Unauthorized):
        verifier.verify(bearer(forged))


def test_alg_none_is_refused():
    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data, default=str).encode()).rstrip(b"=").decode()

    unsigned = part({"alg": "none", "typ": "JWT"}) + "." + part(
        {k: int(v.timestamp()) if isinstance(v, datetime) else v for k, v in claims().items()}) + "."
    with pytest.raises(Unauthorized):
        verifier.verify(bearer(unsigned))


@pytest.mark.parametrize("wrong", [{"aud": "another-service"}, {"iss": "someone-else"}])
def test_a_token_for_another_audience_or_from_another_issuer_is_refused(wrong):
    with pytest.raises(Unauthorized):
        verifier.verify(bearer(jwt.encode(claims(**wrong), SECRET, algorithm="HS256")))


@pytest.mark.parametrize("bad", [{"kind": "admin"}, {"org": None}, {"sub": "../../etc"}, {"exp": None}])
def test_a_token_without_proper_claims_is_refused(bad):
    kept = {k: v for k, v in (claims() | bad).items() if v is not None}
    token = jwt.encode(kept, SECRET, algorithm="HS256")
    with pytest.raises(Unauthorized):
        verifier.verify(bearer(token))


def test_with_a_public_key_an_hs256_token_signed_with_that_key_is_refused():
    """The algorithm-confusion attack: the public key itself used as an HMAC secret."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    production = TokenVerifier({"JWT_PUBLIC_KEY": public_pem})
    assert production.verify(bearer(jwt.encode(claims(), private, algorithm="RS256"))).subject == "sw-1001"

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    body = {k: int(v.timestamp()) if isinstance(v, datetime) else v for k, v in claims().items()}
    signing_input = part(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + part(
        json.dumps(body).encode())
    signature = hmac.new(public_pem.encode(), signing_input.encode(), hashlib.sha256).digest()
    with pytest.raises(Unauthorized):
        production.verify(bearer(signing_input + "." + part(signature)))


def test_a_short_or_missing_secret_stops_the_gateway_at_start():
    with pytest.raises(ValueError):
        TokenVerifier({"JWT_SECRET": "short"})
    with pytest.raises(ValueError):
        TokenVerifier({})


def test_the_mint_command_makes_a_token_the_gateway_accepts(monkeypatch, capsys, tmp_path):
    from gateway import mint as command

    monkeypatch.setenv("TIIMI_JWT_SECRET", SECRET)
    assert command.main(["--partner", "desk-1", "--organisation", "0123456-7"]) == 0
    token = capsys.readouterr().out.strip()
    assert verifier.verify(bearer(token)) == Principal("desk-1", "0123456-7", "partner")
    monkeypatch.delenv("TIIMI_JWT_SECRET")
    monkeypatch.setenv("TIIMI_VAR_DIR", str(tmp_path))  # no local keys there
    assert command.main(["--professional", "sw-1", "--organisation", "1234567-8"]) == 2
    assert "TIIMI_JWT_SECRET" in capsys.readouterr().err


def rsa_pair():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return private, private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def test_a_providers_token_names_the_person_and_their_language():
    private, public_pem = rsa_pair()
    provider = TokenVerifier({"JWT_PUBLIC_KEY": public_pem, "JWT_ISSUER": "https://id.county.fi"})
    token = jwt.encode(claims(iss="https://id.county.fi", name="Sanna Virtanen", locale="sv"), private,
                       algorithm="RS256")
    assert provider.verify(bearer(token)) == Principal("sw-1001", "1234567-8", "professional",
                                                       name="Sanna Virtanen", locale="sv")
    unknown_language = jwt.encode(claims(iss="https://id.county.fi", locale="de"), private, algorithm="RS256")
    assert provider.verify(bearer(unknown_language)).locale is None


def test_locally_both_the_providers_tokens_and_minted_ones_verify_each_with_its_own_issuer():
    private, public_pem = rsa_pair()
    both = TokenVerifier({"JWT_PUBLIC_KEY": public_pem, "JWT_SECRET": SECRET,
                          "JWT_ISSUER": "http://127.0.0.1:8010"})
    provider_token = jwt.encode(claims(iss="http://127.0.0.1:8010"), private, algorithm="RS256")
    assert both.verify(bearer(provider_token)).subject == "sw-1001"
    minted = mint(SECRET, subject="desk-1", organisation="0123456-7", kind="partner")
    assert both.verify(bearer(minted)).kind == "partner"
    # Neither key takes the other's issuer, nor the other's algorithm.
    for token in (jwt.encode(claims(iss="tiimi-local"), private, algorithm="RS256"),
                  jwt.encode(claims(iss="http://127.0.0.1:8010"), SECRET, algorithm="HS256"),
                  hmac_signed_with(public_pem, claims(iss="http://127.0.0.1:8010")),
                  hmac_signed_with(public_pem, claims())):
        with pytest.raises(Unauthorized):
            both.verify(bearer(token))


def hmac_signed_with(key: str, body: dict) -> str:
    """An HS256 token signed with ``key`` (PyJWT itself refuses a PEM key as an HMAC secret)."""
    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    body = {k: int(v.timestamp()) if isinstance(v, datetime) else v for k, v in body.items()}
    signing_input = part(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + part(
        json.dumps(body).encode())
    return signing_input + "." + part(hmac.new(key.encode(), signing_input.encode(), hashlib.sha256).digest())
