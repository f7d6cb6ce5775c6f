"""What comes into and goes out of the consent service.

Every command schema refuses unknown fields, so a misspelt field is named in
the error instead of silently ignored.
"""
from __future__ import annotations

from collections.abc import Container
from typing import Any

from marshmallow import Schema, fields, validate
from marshmallow import ValidationError as MarshmallowError

from consent import rules
from consent.models import Consent, Denial
from tiimi_shared import vocabulary
from tiimi_shared.schemas import Strict, identifier, reason
from tiimi_shared.vocabulary import values

CATEGORIES = values(vocabulary.Category)
PURPOSES = values(vocabulary.Purpose)


def _unique_choices(choices: tuple[str, ...], **kw: Any) -> fields.List:
    return fields.List(
        fields.String(validate=validate.OneOf(choices)),
        validate=[validate.Length(min=1), _no_repeats], **kw)


def _no_repeats(values: list[Any]) -> None:
    if len(set(values)) != len(values):
        raise MarshmallowError("each value once")


class Giver(Strict):
    """Who gave a consent: the client, or a legal representative and how they are related."""

    kind = fields.String(required=True, validate=validate.OneOf(values(vocabulary.GivenBy)))
    relation = fields.String(validate=validate.OneOf(values(vocabulary.RepresentativeRelation)),
                             load_default=None)


class GrantConsent(Strict):
    client_id = fields.UUID(required=True)
    given_by = fields.Nested(Giver, required=True)
    recipient_organisation = identifier(required=True)
    professionals = fields.List(identifier(), load_default=list, validate=_no_repeats)
    categories = _unique_choices(CATEGORIES, required=True)
    purposes = _unique_choices(PURPOSES, required=True)
    valid_from = fields.AwareDateTime(load_default=None)
    valid_until = fields.AwareDateTime(load_default=None, allow_none=True)
    method = fields.String(required=True, validate=validate.OneOf(values(vocabulary.ConsentMethod)))
    recorded_by = identifier(required=True)


class WithdrawConsent(Strict):
    consent_id = fields.UUID(required=True)
    withdrawn_by = identifier(required=True)
    reason = reason(required=True)


class RecordDenial(Strict):
    client_id = fields.UUID(required=True)
    # null denies every organisation; the key is required so that "all" is said aloud.
    organisation = identifier(required=True, allow_none=True)
    categories = _unique_choices(CATEGORIES, required=True)
    reason = reason(load_default=None)
    recorded_by = identifier(required=True)


class LiftDenial(Strict):
    denial_id = fields.UUID(required=True)
    lifted_by = identifier(required=True)
    reason = reason(required=True)


class Request(Strict):
    """One access request: who would be given what, for which purpose."""

    organisation = identifier(required=True)
    professional = identifier(load_default=None, allow_none=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    purpose = fields.String(required=True, validate=validate.OneOf(PURPOSES))


class CheckAccess(Request):
    client_id = fields.UUID(required=True)


class CheckMany(Strict):
    client_id = fields.UUID(required=True)
    requests = fields.List(fields.Nested(Request), required=True,
                           validate=validate.Length(min=1, max=200))


class RecordDisclosure(CheckAccess):
    consent_id = fields.UUID(required=True)


class Disclose(CheckMany):
    """Requests about one client decided together, and disclosed together if each is permitted."""


class RecordAccess(CheckAccess):
    """A read inside the organisation that holds the data; no consent is involved."""


class RecordAccesses(CheckMany):
    """Reads of several categories at once inside the organisation that holds the data."""


class RecordStatutoryDisclosure(Strict):
    """Data given out without consent, on a legal basis from the list; checked against the basis."""

    client_id = fields.UUID(required=True)
    recipient_organisation = identifier(required=True)
    recipient_kind = fields.String(required=True, validate=validate.OneOf(values(vocabulary.RecipientKind)))
    categories = _unique_choices(CATEGORIES, required=True)
    legal_basis = fields.String(required=True, validate=validate.Length(min=1, max=64))
    # Checked for blankness by the rule, so that a blank one is named like any other refusal.
    justification = fields.String(required=True, validate=validate.Length(max=2000))
    professional = identifier(required=True)
    organisation = identifier(required=True)
    # The client's key worker, who is told; None when the caller knows of no team.
    key_worker_id = identifier(load_default=None, allow_none=True)


class LegalBasisOut(Schema):
    id = fields.String()
    statute = fields.String()
    description = fields.Dict(keys=fields.String(), values=fields.String())
    categories = fields.List(fields.String())
    recipient_kinds = fields.List(fields.String())


class OpenEmergencyAccess(Strict):
    """A professional outside the client's team opens the client's data for a window, with a reason."""

    client_id = fields.UUID(required=True)
    professional = identifier(required=True)
    organisation = identifier(required=True)
    reason = fields.String(required=True, validate=validate.OneOf(values(vocabulary.EmergencyReason)))
    # Checked for blankness by the rule, so that a blank one is named like a missing one.
    explanation = fields.String(required=True, validate=validate.Length(max=2000))
    key_worker_id = identifier(load_default=None, allow_none=True)


class EmergencyAccessQuery(Strict):
    """The caller's emergency access to one client that is open now, if any."""

    client_id = fields.UUID(required=True)
    professional = identifier(required=True)


class RecordEmergencyReads(Strict):
    """Reads in an emergency access window: logged as emergency access, refused once it has ended."""

    access_id = fields.UUID(required=True)
    client_id = fields.UUID(required=True)
    # The organisation that holds the client's data: a read from another is a disclosure.
    holder_organisation = identifier(required=True)
    requests = fields.List(fields.Nested(Request), required=True, validate=validate.Length(min=1, max=200))


class EmergencyReviewList(Strict):
    reviewed = fields.Boolean(load_default=None, allow_none=True)  # None: all
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))


class ReviewEmergencyAccess(Strict):
    access_id = fields.UUID(required=True)
    reviewed_by = identifier(required=True)


class EmergencyAccessOut(Schema):
    id = fields.String()
    client_id = fields.String()
    professional = fields.String()
    organisation = fields.String()
    reason = fields.String()
    explanation = fields.String()
    key_worker_id = fields.String(allow_none=True)
    opened_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    reviewed_at = fields.AwareDateTime(allow_none=True)
    reviewed_by = fields.String(allow_none=True)


class ClientQuery(Strict):
    client_id = fields.UUID(required=True)


class EndingQuery(Strict):
    client_ids = fields.List(fields.UUID(), required=True, validate=validate.Length(max=1000))
    within_days = fields.Integer(required=True, validate=validate.Range(min=1, max=366))


class EndingOut(Schema):
    """A client's active consents that end soon (a rules.Ending)."""

    client_id = fields.String()
    consents_ending = fields.Integer(attribute="consents")
    first_ends_at = fields.DateTime(allow_none=True)


class ReportQuery(ClientQuery):
    include_denied = fields.Boolean(load_default=False)


class HistoryOut(Schema):
    action = fields.String()
    at = fields.AwareDateTime()
    by = fields.String()
    reason = fields.String()


class ConsentOut(Schema):
    id = fields.String()
    client_id = fields.String()
    given_by = fields.Method("_given_by")
    recipient_organisation = fields.String(attribute="organisation")
    professionals = fields.List(fields.String())
    categories = fields.List(fields.String())
    purposes = fields.List(fields.String())
    valid_from = fields.AwareDateTime()
    valid_until = fields.AwareDateTime()
    method = fields.String()
    recorded_by = fields.String()
    recorded_at = fields.AwareDateTime()
    status = fields.String()
    withdrawn_at = fields.AwareDateTime()
    withdrawn_by = fields.String()
    expired_at = fields.AwareDateTime()
    history = fields.List(fields.Nested(HistoryOut))

    def _given_by(self, consent: Consent) -> dict[str, str | None]:
        return {"kind": consent.given_by, "relation": consent.representative_relation}


class DenialOut(Schema):
    id = fields.String()
    client_id = fields.String()
    organisation = fields.String(allow_none=True)
    categories = fields.List(fields.String())
    reason = fields.String()
    recorded_by = fields.String()
    recorded_at = fields.AwareDateTime()
    lifted_at = fields.AwareDateTime()
    lifted_by = fields.String()
    status = fields.Method("_status")

    def _status(self, denial: Denial) -> str:
        return rules.denial_status(denial.lifted_at)


class DecisionOut(Schema):
    decision = fields.String()
    reason = fields.String()
    explanation = fields.String()
    consent_id = fields.String(allow_none=True)
    denial_id = fields.String(allow_none=True)
    entry_id = fields.String(allow_none=True)
    request = fields.Dict()
    errors = fields.Dict()


class DisclosureOut(Schema):
    seq = fields.Integer(allow_none=True)  # None: written, not yet chained
    entry_id = fields.String()
    kind = fields.String()
    at = fields.AwareDateTime()
    organisation = fields.String()
    professional = fields.String()
    category = fields.String()
    purpose = fields.String()
    outcome = fields.String()
    reason = fields.String()
    consent_id = fields.String()
    denial_id = fields.String()
    legal_basis = fields.String()
    recipient_kind = fields.String()
    justification = fields.String()


class StatutoryDisclosureOut(Schema):
    """A disclosure on a statutory basis as recorded: its basis, and one log entry a category."""

    client_id = fields.String()
    legal_basis = fields.String()
    statute = fields.String()
    recipient_organisation = fields.String()
    recipient_kind = fields.String()
    justification = fields.String()
    entries = fields.List(fields.Nested(DisclosureOut))


# The fields of a malformed check that may be logged: only those that are well
# formed, since a malformed one might be anything, a personal identity code included.
_LOGGABLE = ("client_id", "organisation", "professional", "category", "purpose")


def well_formed_fields(request: dict[str, Any], errors: Container[str]) -> dict[str, str]:
    schema = CheckAccess()
    kept: dict[str, str] = {}
    for name in _LOGGABLE:
        if name in request and name not in errors:
            try:
                kept[name] = str(schema.fields[name].deserialize(request[name]))
            except MarshmallowError:
                continue
    return kept
