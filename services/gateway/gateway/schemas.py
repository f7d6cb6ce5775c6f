"""The HTTP API's bodies, as marshmallow schemas: they validate requests and make the OpenAPI document.

The services behind the gateway validate again, with their own rules; these
describe the shape of what the gateway accepts and names a bad field early.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from marshmallow import Schema, fields, validate

from gateway.rules import Standing
from tiimi_shared import vocabulary
from tiimi_shared.schemas import Strict, identifier, reason
from tiimi_shared.vocabulary import values

CATEGORIES = values(vocabulary.Category)
PURPOSES = values(vocabulary.Purpose)
REFERRAL_STATUSES = values(vocabulary.ReferralStatus)
KEY_WORKER_ROLES = tuple(str(role) for role in vocabulary.KEY_WORKER_ROLES)
# A team is proposed when made; from there it is only set active, suspended or closed.
SETTABLE_TEAM_STATUSES = tuple(str(status) for status in vocabulary.TeamStatus
                               if status is not vocabulary.TeamStatus.PROPOSED)


class Contact(Strict):
    email = fields.Email()
    phone = fields.String(validate=validate.Length(max=30))
    address = fields.String(validate=validate.Length(max=300))


class RegisterClient(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    personal_identity_code = fields.String(required=True, validate=validate.Length(max=20))
    preferred_language = fields.String(required=True, validate=validate.OneOf(values(vocabulary.Language)))
    municipality = fields.String(required=True, validate=validate.Regexp(r"^\d{3}$"))
    contact = fields.Nested(Contact)


class FindClient(Strict):
    personal_identity_code = fields.String(required=True, validate=validate.Length(max=20))


class GivenBy(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(values(vocabulary.GivenBy)))
    relation = fields.String(validate=validate.OneOf(values(vocabulary.RepresentativeRelation)))


class Grant(Strict):
    given_by = fields.Nested(GivenBy, required=True)
    recipient_organisation = identifier(required=True)
    professionals = fields.List(identifier())
    categories = fields.List(fields.String(validate=validate.OneOf(CATEGORIES)), required=True,
                             validate=validate.Length(min=1))
    purposes = fields.List(fields.String(validate=validate.OneOf(PURPOSES)), required=True,
                           validate=validate.Length(min=1))
    valid_from = fields.AwareDateTime()
    valid_until = fields.AwareDateTime()
    method = fields.String(required=True, validate=validate.OneOf(values(vocabulary.ConsentMethod)))


class Because(Strict):
    reason = reason(required=True)


# The header in which a FHIR request gives its reason to be shown the personal identity code.
IDENTITY_CODE_REASON = "Tiimi-Identity-Code-Reason"


class IdentityCodeReason(Strict):
    """Why a FHIR request asks to be shown the personal identity code: the reveal's reason, in a header."""

    reason = reason(required=True, data_key=IDENTITY_CODE_REASON)


class EmergencyAccess(Strict):
    """Break the glass: why the client's data is needed now, from the list, and in words."""

    reason = fields.String(required=True, validate=validate.OneOf(values(vocabulary.EmergencyReason)))
    explanation = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class StatutoryDisclosure(Strict):
    """Data given out without consent on a legal basis from GET /legal-bases: to whom (and what kind of
    organisation that is), which categories, and why, in words."""

    recipient_organisation = identifier(required=True)
    recipient_kind = fields.String(required=True, validate=validate.OneOf(values(vocabulary.RecipientKind)))
    categories = fields.List(fields.String(validate=validate.OneOf(CATEGORIES)), required=True,
                             validate=validate.Length(min=1))
    legal_basis = fields.String(required=True, validate=validate.Length(min=1, max=64))
    justification = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class Deny(Strict):
    # null denies every organisation; the key is required so that "all" is said aloud, as consent wants.
    organisation = identifier(required=True, allow_none=True)
    categories = fields.List(fields.String(validate=validate.OneOf(CATEGORIES)), required=True,
                             validate=validate.Length(min=1))
    reason = reason()


class Professional(Strict):
    professional_id = identifier(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    organisation = identifier(required=True)
    role = fields.String(required=True, validate=validate.Length(min=1, max=40))


class CreateTeam(Strict):
    client_id = fields.UUID(required=True)
    # The caller becomes the key worker; these describe them.
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    role = fields.String(required=True, validate=validate.OneOf(KEY_WORKER_ROLES))


class AddMember(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(values(vocabulary.MemberKind)))
    professional = fields.Nested(Professional)
    name = fields.String(validate=validate.Length(min=1, max=200))
    relation = fields.String(validate=validate.Length(min=1, max=40))
    contact = fields.Nested(Contact)
    starts_on = fields.AwareDateTime()
    ends_on = fields.AwareDateTime()


class HandOver(Strict):
    to = fields.Nested(Professional, required=True)
    reason = reason(required=True)


class TeamStatus(Strict):
    status = fields.String(required=True, validate=validate.OneOf(SETTABLE_TEAM_STATUSES))
    reason = reason()


class CreateReferral(Strict):
    client_id = fields.UUID(required=True)
    target_organisation = identifier(required=True)
    service = fields.String(required=True, validate=validate.Length(min=1, max=60))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    priority = fields.String(validate=validate.OneOf(values(vocabulary.ReferralPriority)))
    share = fields.Dict(keys=fields.String(validate=validate.OneOf(CATEGORIES)), values=fields.Dict(),
                        required=True)
    accept_by = fields.AwareDateTime(required=True)
    escalate_by = fields.AwareDateTime()


class Outcome(Strict):
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    summary = fields.String(validate=validate.Length(max=2000))


class Answer(Strict):
    reason = reason()
    outcome = fields.Nested(Outcome)


class Empty(Strict):
    pass


# -- answers -------------------------------------------------------------------------------
# What each route answers on success, field by field, for the OpenAPI document (the web app's
# typed client is generated from it). The services shape these answers and the gateway passes
# them on unchanged; tests/test_gateway.py checks every real answer against these schemas.
# A field an answer always carries is required; one that may be null says so (allow_none).
# Unknown fields are refused, so the document says "additionalProperties: false" and an
# answer that grows a field fails those tests until it is described here.

# Words the answers carry, from the one shared vocabulary.
CONSENT_STATUSES = values(vocabulary.ConsentStatus)
CONSENT_ACTIONS = values(vocabulary.ConsentAction)
DENIAL_STATUSES = values(vocabulary.DenialStatus)
DISCLOSURE_KINDS = values(vocabulary.DisclosureKind)
DISCLOSURE_REASONS = values(vocabulary.DisclosureReason)
REFERRAL_SERVICES = values(vocabulary.ReferralService)
REFERRAL_OUTCOMES = values(vocabulary.ReferralOutcome)
REFERRAL_SIDES = values(vocabulary.ReferralSide)
REFERRAL_STEP_KINDS = values(vocabulary.ReferralStepKind)
INBOX_MESSAGES = values(vocabulary.InboxMessage)
RECIPIENT_KINDS = values(vocabulary.RecipientKind)


def _text(**kw: Any) -> fields.String:
    return fields.String(required=True, **kw)


def _word(choices: Iterable[str], **kw: Any) -> fields.String:
    return fields.String(required=True, validate=validate.OneOf(tuple(choices)), **kw)


def _moment(**kw: Any) -> fields.AwareDateTime:
    return fields.AwareDateTime(required=True, **kw)


def _words(choices: Iterable[str], **kw: Any) -> fields.List:
    return fields.List(fields.String(validate=validate.OneOf(tuple(choices))), required=True, **kw)


def _by_category(name: str, value: Callable[[], fields.Field]) -> type[Schema]:
    """An object keyed by category: each category at most once, none required."""
    return Schema.from_dict({category: value() for category in CATEGORIES}, name=name)


SharedContent = _by_category("SharedContent", fields.Dict)
WithheldCategories = _by_category("WithheldCategories", fields.String)


class ContactOut(Schema):
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    address = fields.String(allow_none=True)


class ClientOut(Schema):
    """A client, never with the personal identity code."""

    id = _text()
    name = _text()
    preferred_language = _word(values(vocabulary.Language))
    contact = fields.Nested(ContactOut, required=True)
    municipality = _text()
    registered_by = _text()
    registered_at = _moment()


class RevealedCodeOut(Schema):
    """The one answer that carries a personal identity code."""

    client_id = _text()
    personal_identity_code = _text()


class IdentityCodeRevealOut(Schema):
    requested_by = _text()
    reason = _text()
    at = _moment()


# -- consents, denials and the disclosure log


class GivenByOut(Schema):
    kind = _word(values(vocabulary.GivenBy))
    relation = _word(values(vocabulary.RepresentativeRelation), allow_none=True)


class ConsentHistoryOut(Schema):
    action = _word(CONSENT_ACTIONS)
    at = _moment()
    by = _text(allow_none=True)  # null when tiimi itself expired the consent
    reason = _text(allow_none=True)


class ConsentOut(Schema):
    id = _text()
    client_id = _text()
    given_by = fields.Nested(GivenByOut, required=True)
    recipient_organisation = _text()
    professionals = fields.List(fields.String(), required=True)  # empty: anyone of the organisation
    categories = _words(CATEGORIES)
    purposes = _words(PURPOSES)
    valid_from = _moment()
    valid_until = _moment(allow_none=True)
    method = _word(values(vocabulary.ConsentMethod))
    recorded_by = _text()
    recorded_at = _moment()
    status = _word(CONSENT_STATUSES)
    withdrawn_at = _moment(allow_none=True)
    withdrawn_by = _text(allow_none=True)
    expired_at = _moment(allow_none=True)
    history = fields.List(fields.Nested(ConsentHistoryOut), required=True)


class DenialOut(Schema):
    id = _text()
    client_id = _text()
    organisation = _text(allow_none=True)  # null: every organisation
    categories = _words(CATEGORIES)
    reason = _text(allow_none=True)
    recorded_by = _text()
    recorded_at = _moment()
    lifted_at = _moment(allow_none=True)
    lifted_by = _text(allow_none=True)
    status = _word(DENIAL_STATUSES)


class ConsentsOut(Schema):
    client_id = _text()
    consents = fields.List(fields.Nested(ConsentOut), required=True)
    denials = fields.List(fields.Nested(DenialOut), required=True)


class DisclosureEntryOut(Schema):
    """One line of the disclosure log: a decision, a disclosure under a consent, or a read at home."""

    # Its place in the hash chain; null while it is recorded but not yet chained (within seconds).
    seq = fields.Integer(required=True, allow_none=True)
    entry_id = _text()
    kind = _word(DISCLOSURE_KINDS)
    at = _moment()
    organisation = _text(allow_none=True)
    professional = _text(allow_none=True)
    category = _word(CATEGORIES, allow_none=True)
    purpose = _word(PURPOSES, allow_none=True)
    outcome = _word(values(vocabulary.Outcome))
    reason = _word(DISCLOSURE_REASONS)
    consent_id = _text(allow_none=True)
    denial_id = _text(allow_none=True)
    # A disclosure on a statutory basis names its basis, the kind of recipient and why; else null.
    legal_basis = _text(allow_none=True)
    recipient_kind = _word(RECIPIENT_KINDS, allow_none=True)
    justification = _text(allow_none=True)


class EmergencyAccessOut(Schema):
    """An emergency access: who opened whose data, why, when it ends, and whether it was reviewed."""

    id = _text()
    client_id = _text()
    professional = _text()
    organisation = _text()
    reason = _word(values(vocabulary.EmergencyReason))
    explanation = _text()
    key_worker_id = _text(allow_none=True)
    opened_at = _moment()
    ends_at = _moment()
    reviewed_at = _moment(allow_none=True)
    reviewed_by = _text(allow_none=True)


class DisclosureReportOut(Schema):
    client_id = _text()
    entries = fields.List(fields.Nested(DisclosureEntryOut), required=True)
    # Each emergency access to the client's data (its reads are among the entries).
    emergency_accesses = fields.List(fields.Nested(EmergencyAccessOut), required=True)


class StatutoryDisclosureOut(Schema):
    """A disclosure on a statutory basis as recorded: one disclosure-log entry a category."""

    client_id = _text()
    legal_basis = _text()
    statute = _text()
    recipient_organisation = _text()
    recipient_kind = _word(RECIPIENT_KINDS)
    justification = _text()
    entries = fields.List(fields.Nested(DisclosureEntryOut), required=True)


class LegalBasisDescription(Schema):
    fi = _text()
    sv = _text()
    en = _text()


class LegalBasisOut(Schema):
    """A legal basis a disclosure without consent may rest on, as the county's list has it."""

    id = _text()
    statute = _text()
    description = fields.Nested(LegalBasisDescription, required=True)
    categories = _words(CATEGORIES)
    recipient_kinds = _words(RECIPIENT_KINDS)


# -- teams


class MemberOut(Schema):
    """A member: a professional (with professional_id, organisation and role), a close one (with
    name and relation) or the client."""

    id = _text()
    kind = _word(values(vocabulary.MemberKind))
    professional_id = _text(allow_none=True)
    name = _text(allow_none=True)
    organisation = _text(allow_none=True)
    role = _word(values(vocabulary.Role), allow_none=True)
    relation = _word(values(vocabulary.CloseOneRelation), allow_none=True)
    contact = fields.Nested(ContactOut, required=True)
    status = _word(values(vocabulary.MemberStatus))
    starts_on = _moment()
    ends_on = _moment(allow_none=True)


class KeyWorkerPeriodOut(Schema):
    professional_id = _text()
    member_id = _text()
    started_at = _moment()
    ended_at = _moment(allow_none=True)  # null: the current key worker
    handover_reason = _text(allow_none=True)
    changed_by = _text()


class TeamStatusChangeOut(Schema):
    status = _word(values(vocabulary.TeamStatus))
    at = _moment()
    by = _text()
    reason = _text(allow_none=True)


class TeamOut(Schema):
    id = _text()
    client_id = _text()
    organisation = _text()
    status = _word(values(vocabulary.TeamStatus))
    closed_reason = _text(allow_none=True)
    key_worker = fields.Nested(KeyWorkerPeriodOut, required=True)
    key_worker_history = fields.List(fields.Nested(KeyWorkerPeriodOut), required=True)
    status_history = fields.List(fields.Nested(TeamStatusChangeOut), required=True)
    members = fields.List(fields.Nested(MemberOut), required=True)


class NeedsMeOut(Schema):
    """What in a client's team waits for its key worker."""

    pending_members = fields.Integer(required=True, metadata={
        "description": "members waiting for the client's consent"})
    overdue_referrals = fields.Integer(required=True, metadata={
        "description": "referrals your organisation sent that are past their acceptance deadline"})
    answered_referrals = fields.Integer(required=True, metadata={
        "description": "referrals your organisation sent that were accepted, rejected, completed or "
                       "failed in the last 7 days"})
    consents_ending = fields.Integer(required=True, metadata={
        "description": "active consents that end within 14 days"})
    first_consent_ends_at = fields.AwareDateTime(required=True, allow_none=True)


class InvolvementOut(Schema):
    """A team you are in, and as what; the client's name only inside the team's own organisation."""

    team_id = _text()
    client_id = _text()
    team_status = _word(values(vocabulary.TeamStatus))
    as_ = _word(values(Standing), data_key="as")
    client_name = fields.String(required=True, allow_none=True, metadata={
        "description": "null unless you work for the organisation that holds the team"})
    needs_me = fields.Nested(NeedsMeOut, required=True, allow_none=True, metadata={
        "description": "for the key worker only; null for a member"})


# -- referrals


class ReferralOutcomeOut(Schema):
    code = _word(REFERRAL_OUTCOMES)
    summary = _text(allow_none=True)


class StepDetailOut(Schema):
    """What a step adds: on sending, what was shared and withheld; on completing, the outcome; when
    the key worker was told, who; when the partner was told to stop, which categories and why."""

    shared = fields.List(fields.String(validate=validate.OneOf(CATEGORIES)))
    withheld = fields.Nested(WithheldCategories)
    outcome = fields.Nested(ReferralOutcomeOut)
    key_worker_id = fields.String(allow_none=True)
    categories = fields.List(fields.String(validate=validate.OneOf(CATEGORIES)))
    because = fields.String(validate=validate.OneOf(values(vocabulary.ConsentLost)))


class ReferralStepOut(Schema):
    kind = _word(REFERRAL_STEP_KINDS)
    from_status = _word(REFERRAL_STATUSES, allow_none=True)
    to_status = _word(REFERRAL_STATUSES)
    at = _moment()
    by = _text()  # a professional, or "tiimi" for a step tiimi made
    by_organisation = _text(allow_none=True)
    reason = _text(allow_none=True)  # null to the target for the requester's notes
    detail = fields.Nested(StepDetailOut, required=True)


class ReferralSummaryOut(Schema):
    """A referral without its content or history, with your sides of it and your possible next moves."""

    id = _text()
    client_id = _text()
    requesting_organisation = _text()
    requested_by = _text()
    target_organisation = _text()
    service = _word(REFERRAL_SERVICES)
    priority = _word(values(vocabulary.ReferralPriority))
    status = _word(REFERRAL_STATUSES)
    outcome = fields.Nested(ReferralOutcomeOut, required=True, allow_none=True)
    accept_by = _moment()
    escalate_by = _moment()
    reminded_at = _moment(allow_none=True)
    escalated_at = _moment(allow_none=True)
    created_at = _moment()
    as_ = _words(REFERRAL_SIDES, data_key="as")
    allowed_next = _words(REFERRAL_STATUSES)


class ReferralOut(ReferralSummaryOut):
    """A referral with its history, holding only what your side may see.

    The requester's side sees reason, share (all it wrote), shared_categories and withheld (each
    category held back, and why). The target's side sees shared instead: only what consent let
    through, and nothing once the referral is cancelled or entered in error.
    """

    history = fields.List(fields.Nested(ReferralStepOut), required=True)
    reason = fields.String()
    share = fields.Nested(SharedContent)
    shared_categories = fields.List(fields.String(validate=validate.OneOf(CATEGORIES)))
    withheld = fields.Nested(WithheldCategories)
    shared = fields.Nested(SharedContent)


# -- the inbox and health


class InboxItemOut(Schema):
    id = _text()
    message = _word(INBOX_MESSAGES)
    subject = _text()
    body = _text()
    link = _text()
    created_at = _moment()
    read_at = _moment(allow_none=True)


class Live(Schema):
    status = _word(("ok",))


class Health(Schema):
    status = _word(("ok", "unavailable"))
    broker = _word(("ok", "unreachable"))


class OpenApiDocument(Schema):
    """This document."""

    openapi = _text()
    info = fields.Dict(required=True)
    paths = fields.Dict(required=True)
    components = fields.Dict(required=True)


class Problem(Schema):
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict()
    current_state = fields.String(allow_none=True)
    allowed = fields.List(fields.String())
