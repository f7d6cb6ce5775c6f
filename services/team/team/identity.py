"""Personal identity codes (henkilötunnus): validated, encrypted, found by keyed hash.

The code is checked with python-stdnum (checksum, date, century sign,
including the signs added in 2023), stored only sealed under the service's data
keys (tiimi_shared.sealed: Fernet, AES-128-CBC with HMAC-SHA256, naming the key
that sealed it, so ``rotate-keys`` can move it to a new key), and found through
an HMAC-SHA256 of the code under a separate key, so the table holds nothing that
reveals a code without the keys. Error messages never repeat the code.

Codes stored before the data keys are bare Fernet tokens under
``TIIMI_IDENTITY_KEY``; that key opens them until ``rotate-keys`` has sealed
them again, and is not needed after.
"""
from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from stdnum.fi import hetu

from tiimi_shared import sealed
from tiimi_shared.errors import ValidationError

FIELD = "personal_identity_code"


class IdentityKeysMissing(RuntimeError):
    pass


class PersonalIdentityCodes:
    def __init__(self, identity_key: str | None, lookup_key: str | None):
        """``identity_key`` opens codes stored before the data keys (None once none are left)."""
        if not lookup_key:
            raise IdentityKeysMissing("TIIMI_LOOKUP_KEY must be set for the team service")
        try:
            self._legacy = Fernet(identity_key.encode()) if identity_key else None
        except ValueError:
            raise IdentityKeysMissing("TIIMI_IDENTITY_KEY is not a valid Fernet key") from None
        try:
            sealed.keyring()  # fails the start, loudly, without usable data keys
        except sealed.DataKeysMissing as missing:
            raise IdentityKeysMissing(str(missing)) from None
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
        """The code sealed under the newest data key."""
        return sealed.keyring().seal(code)

    def decrypt(self, stored: str) -> str:
        if sealed.is_sealed(stored):
            try:
                return sealed.keyring().open(stored)
            except sealed.SealedValueUnreadable as unreadable:
                raise RuntimeError(f"a stored personal identity code: {unreadable}") from None
        if self._legacy is None:
            raise RuntimeError("a personal identity code stored before the data keys needs "
                               "TIIMI_IDENTITY_KEY until rotate-keys has sealed it again")
        try:
            return self._legacy.decrypt(stored.encode()).decode()
        except InvalidToken:
            raise RuntimeError("a stored personal identity code does not open with this key") from None

    def lookup_hash(self, code: str) -> str:
        return hmac.new(self._lookup_key, code.encode(), hashlib.sha256).hexdigest()


def new_keys() -> tuple[str, str]:
    """A fresh (identity key, lookup key) pair, for local use and tests."""
    import secrets

    return Fernet.generate_key().decode(), secrets.token_urlsafe(32)
