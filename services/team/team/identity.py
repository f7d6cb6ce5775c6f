"""Personal identity codes (henkilötunnus): validated, encrypted, found by keyed hash.

The code is checked with python-stdnum (checksum, date, century sign,
including the signs added in 2023), stored only encrypted (Fernet:
AES-128-CBC with HMAC-SHA256), and found through an HMAC-SHA256 of the code
under a separate key, so the table holds nothing that reveals a code without
the keys. Error messages never repeat the code.
"""
from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from stdnum.fi import hetu

from tiimi_shared.errors import ValidationError

FIELD = "personal_identity_code"


class IdentityKeysMissing(RuntimeError):
    pass


class PersonalIdentityCodes:
    def __init__(self, identity_key: str | None, lookup_key: str | None):
        if not identity_key or not lookup_key:
            raise IdentityKeysMissing(
                "TIIMI_IDENTITY_KEY and TIIMI_LOOKUP_KEY must be set for the team service")
        try:
            self._fernet = Fernet(identity_key.encode())
        except ValueError:
            raise IdentityKeysMissing("TIIMI_IDENTITY_KEY is not a valid Fernet key") from None
        self._lookup_key = lookup_key.encode()

    @staticmethod
    def validate(code: object) -> str:
        """The code in its compact upper-case form, or a ValidationError without the code in it."""
        if not isinstance(code, str):
            raise ValidationError({FIELD: ["must be a string"]})
        try:
            return hetu.validate(code)
        except hetu.ValidationError:
            raise ValidationError({FIELD: ["not a valid Finnish personal identity code"]}) from None

    def encrypt(self, code: str) -> str:
        return self._fernet.encrypt(code.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise RuntimeError("a stored personal identity code does not open with this key") from None

    def lookup_hash(self, code: str) -> str:
        return hmac.new(self._lookup_key, code.encode(), hashlib.sha256).hexdigest()


def new_keys() -> tuple[str, str]:
    """A fresh (identity key, lookup key) pair, for local use and tests."""
    import secrets

    return Fernet.generate_key().decode(), secrets.token_urlsafe(32)
