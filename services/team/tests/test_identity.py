"""Personal identity codes: validated by stdnum, stored encrypted, found by keyed hash."""
import pytest

from team.identity import IdentityKeysMissing, PersonalIdentityCodes, new_keys
from tiimi_shared.errors import ValidationError

CHECK_CHARS = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def code(date: str, sign: str, individual: str) -> str:
    return date + sign + individual + CHECK_CHARS[int(date + individual) % 31]


@pytest.fixture
def codes():
    return PersonalIdentityCodes(*new_keys())


@pytest.mark.parametrize("sign", list("+-YXWVUABCDEF"))
def test_every_century_sign_is_accepted_including_those_of_2023(codes, sign):
    date = "010105" if sign in "ABCDEF" else "131052"
    valid = code(date, sign, "308")
    assert codes.validate(valid) == valid


@pytest.mark.parametrize("bad", [
    "131052-308X",        # wrong check character
    "311399-123A",        # no such date
    "131052G308T",        # no such century sign
    "131052-30T",         # too short
    "010594Y9021",        # a temporary number, not a personal identity code
    12345,
])
def test_invalid_codes_are_refused_without_repeating_them(codes, bad):
    with pytest.raises(ValidationError) as refused:
        codes.validate(bad)
    assert list(refused.value.errors) == ["personal_identity_code"]
    assert str(bad) not in str(refused.value)


def test_lower_case_input_is_stored_in_its_canonical_form(codes):
    assert codes.validate("131052-308t") == "131052-308T"


def test_encryption_round_trips_and_hides_the_code(codes):
    token = codes.encrypt("131052-308T")
    assert "131052" not in token
    assert codes.decrypt(token) == "131052-308T"


def test_lookup_hash_is_stable_and_depends_on_the_key(codes):
    assert codes.lookup_hash("131052-308T") == codes.lookup_hash("131052-308T")
    assert codes.lookup_hash("131052-308T") != codes.lookup_hash("131052Y308T")
    assert codes.lookup_hash("131052-308T") != PersonalIdentityCodes(*new_keys()).lookup_hash("131052-308T")


@pytest.mark.parametrize("keys", [(None, None), ("x", None), ("not-a-fernet-key", "x")])
def test_the_service_refuses_to_work_without_valid_keys(keys):
    with pytest.raises(IdentityKeysMissing):
        PersonalIdentityCodes(*keys)
