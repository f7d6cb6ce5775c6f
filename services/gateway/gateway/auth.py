"""Bearer tokens: JWTs verified with fixed algorithms, issuer and audience.

Keys come from configuration: a shared secret for local use (HS256), or a
public key in PEM (RS256 or ES256) or a JWKS URL for production. A token
names its subject (``sub``: a professional's or a partner desk's id), its
organisation (``org``) and what it is (``kind``: professional or partner).
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


class TokenVerifier:
    def __init__(self, config: Mapping[str, Any]):
        self.issuer: str = config.get("JWT_ISSUER") or DEFAULT_ISSUER
        self.audience: str = config.get("JWT_AUDIENCE") or DEFAULT_AUDIENCE
        self.jwks = jwt.PyJWKClient(config["JWT_JWKS_URL"]) if config.get("JWT_JWKS_URL") else None
        self.public_key: str | None = config.get("JWT_PUBLIC_KEY")
        self.secret: str | None = config.get("JWT_SECRET")
        self.algorithms: list[str]
        if self.jwks or self.public_key:
            self.algorithms = list(ASYMMETRIC)
        elif self.secret:
            if len(self.secret) < 32:
                raise ValueError("TIIMI_JWT_SECRET must be at least 32 characters")
            self.algorithms = ["HS256"]
        else:
            raise ValueError("the gateway needs TIIMI_JWT_SECRET, TIIMI_JWT_PUBLIC_KEY or TIIMI_JWT_JWKS_URL")

    def verify(self, authorization: str | None) -> Principal:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("a bearer token is required")
        try:
            key: Any
            if self.jwks:
                key = self.jwks.get_signing_key_from_jwt(token).key
            else:
                key = self.public_key or self.secret
            claims = jwt.decode(token.strip(), key, algorithms=self.algorithms, audience=self.audience,
                                issuer=self.issuer, options={"require": ["exp", "iat", "sub", "iss", "aud"]},
                                leeway=30)
        except jwt.ExpiredSignatureError:
            raise Unauthorized("the token has expired") from None
        except (jwt.InvalidTokenError, jwt.PyJWKClientError):
            raise Unauthorized("the token is not valid here") from None
        subject, organisation, kind = claims.get("sub"), claims.get("org"), claims.get("kind")
        if kind not in KINDS or not _identifier(subject) or not _identifier(organisation):
            raise Unauthorized("the token does not name a professional or partner and an organisation")
        return Principal(subject, organisation, kind)


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
