"""Bearer tokens: JWTs verified with fixed algorithms, issuer and audience.

Keys come from configuration: a shared secret for local use (HS256), or a
public key in PEM (RS256 or ES256) or a JWKS URL for production. A token
names its subject (``sub``: a professional's or a partner desk's id), its
organisation (``org``) and what it is (``kind``: professional or partner);
an OpenID provider's access token also names the person (``name``) and their
language (``locale``: fi, sv or en).

Locally (``make run``) both are set: the OpenID provider's tokens verify
against its JWKS, with its issuer, and the HS256 tokens ``gateway.mint``
makes verify against the secret, with the local issuer ``tiimi-local``.
Each key checks only its own algorithms, so a token can never choose which
key verifies it. Production sets only the provider's JWKS URL (or key).
"""
from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any, TypeGuard

import jwt

from tiimi_shared.clock import wall_clock
from tiimi_shared.contracts import IDENTIFIER
from tiimi_shared.vocabulary import values


class Kind(StrEnum):
    """Who a token speaks for."""

    PROFESSIONAL = "professional"
    PARTNER = "partner"


KINDS = values(Kind)
LOCALES = ("fi", "sv", "en")
ASYMMETRIC = ("RS256", "ES256")
DEFAULT_ISSUER = "tiimi-local"
DEFAULT_AUDIENCE = "tiimi-gateway"


class Unauthorized(Exception):
    """No token, or one that does not verify; the reason is safe to show."""


@dataclass(frozen=True)
class Principal:
    """The caller a verified token names: a professional or a partner desk, and their organisation."""

    subject: str
    organisation: str
    kind: str
    name: str | None = None
    locale: str | None = None  # fi, sv or en, when the token says


class TokenVerifier:
    def __init__(self, config: Mapping[str, Any]):
        self.issuer: str = config.get("JWT_ISSUER") or DEFAULT_ISSUER
        self.audience: str = config.get("JWT_AUDIENCE") or DEFAULT_AUDIENCE
        self.jwks = jwt.PyJWKClient(config["JWT_JWKS_URL"]) if config.get("JWT_JWKS_URL") else None
        self.public_key: str | None = config.get("JWT_PUBLIC_KEY")
        self.secret: str | None = config.get("JWT_SECRET")
        if self.secret is not None and len(self.secret) < 32:
            raise ValueError("TIIMI_JWT_SECRET must be at least 32 characters")
        if not (self.jwks or self.public_key or self.secret):
            raise ValueError("the gateway needs TIIMI_JWT_SECRET, TIIMI_JWT_PUBLIC_KEY or TIIMI_JWT_JWKS_URL")
        self.asymmetric = bool(self.jwks or self.public_key)
        # With a provider's keys beside it, the secret's tokens keep the local issuer (gateway.mint's).
        self.secret_issuer = DEFAULT_ISSUER if self.asymmetric else self.issuer

    def verify(self, authorization: str | None) -> Principal:
        scheme, _, token = (authorization or "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("a bearer token is required")
        try:
            claims = self._claims(token)
        except jwt.ExpiredSignatureError:
            raise Unauthorized("the token has expired") from None
        except (jwt.InvalidTokenError, jwt.PyJWKClientError):
            raise Unauthorized("the token is not valid here") from None
        subject, organisation, kind = claims.get("sub"), claims.get("org"), claims.get("kind")
        if kind not in KINDS or not _identifier(subject) or not _identifier(organisation):
            raise Unauthorized("the token does not name a professional or partner and an organisation")
        name, locale = claims.get("name"), claims.get("locale")
        return Principal(subject, organisation, kind,
                         name=name if isinstance(name, str) and name.strip() else None,
                         locale=locale if locale in LOCALES else None)

    def _claims(self, token: str) -> dict[str, Any]:
        # The header only picks which of the configured keys to try; each key
        # accepts its own algorithms alone (no RS256 public key used as an HMAC secret).
        algorithm = jwt.get_unverified_header(token).get("alg")
        key: Any
        if self.secret and (algorithm == "HS256" or not self.asymmetric):
            key, algorithms, issuer = self.secret, ["HS256"], self.secret_issuer
        else:
            key = self.jwks.get_signing_key_from_jwt(token).key if self.jwks else self.public_key
            algorithms, issuer = list(ASYMMETRIC), self.issuer
        claims: dict[str, Any] = jwt.decode(
            token, key, algorithms=algorithms, audience=self.audience, issuer=issuer,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]}, leeway=30)
        return claims


def _identifier(value: object) -> TypeGuard[str]:
    if not isinstance(value, str):
        return False
    try:
        IDENTIFIER(value)
    except Exception:
        return False
    return True


def mint(secret: str, *, subject: str, organisation: str, kind: str, hours: float = 8.0,
         issuer: str = DEFAULT_ISSUER, audience: str = DEFAULT_AUDIENCE) -> str:
    """A local HS256 token, for trying the system."""
    now = wall_clock()  # a token is checked against real clocks, never a moved one
    return jwt.encode({"iss": issuer, "aud": audience, "sub": subject, "org": organisation, "kind": kind,
                       "iat": now, "nbf": now, "exp": now + timedelta(hours=hours), "jti": str(uuid.uuid4())},
                      secret, algorithm="HS256")
