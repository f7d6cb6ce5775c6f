"""A client's consents and denials (the gateway's ``ConsentsOut``) as FHIR R4 ``Consent`` resources.

Both are privacy consents (scope ``patient-privacy``, category LOINC 59284-0 and tiimi's
``consent-kind``). A consent (luovutuslupa) is an opt-in whose one provision permits disclosing
its data categories, for its purposes, to the recipient organisation (and, where it names them,
only to those professionals), over its period. A denial (luovutuskielto) is an opt-out whose one
provision denies its categories to its organisation, or to everyone when it names none. A
withdrawn or expired consent and a lifted denial are ``inactive``.
"""
from __future__ import annotations

from typing import Any

from gateway.fhir import systems
from gateway.fhir.elements import (
    Client,
    Resource,
    coding,
    concept,
    identifier,
    instant,
    organisation,
    period,
    professional,
)
from tiimi_shared.vocabulary import ConsentStatus, DenialStatus, GivenBy

# tiimi's status -> Consent.status (consent-state-codes, a required binding).
CONSENT_STATE: dict[str, str] = {
    ConsentStatus.ACTIVE: "active",
    ConsentStatus.WITHDRAWN: "inactive",
    ConsentStatus.EXPIRED: "inactive",
}
DENIAL_STATE: dict[str, str] = {
    DenialStatus.IN_FORCE: "active",
    DenialStatus.LIFTED: "inactive",
}

DISCLOSURE_PERMISSION = "disclosure_permission"
DISCLOSURE_DENIAL = "disclosure_denial"


def consents(answer: dict[str, Any], *, personal_identity_code: str | None = None,
             may_see_code: bool = False) -> list[Resource]:
    """Every consent, then every denial, of one client."""
    client = Client.with_code(answer["client_id"], personal_identity_code, may_see_code=may_see_code)
    return ([consent(each, client) for each in answer["consents"]]
            + [denial(each, client) for each in answer["denials"]])


def _scope_and_category(kind: str) -> dict[str, Any]:
    return {
        "scope": concept(systems.CONSENT_SCOPE, "patient-privacy"),
        "category": [concept(systems.LOINC, "59284-0"), concept(systems.CONSENT_KIND, kind)],
    }


def _categories(categories: list[str]) -> list[dict[str, Any]]:
    return [concept(systems.CATEGORY, category) for category in categories]


def consent(given: dict[str, Any], client: Client) -> Resource:
    recipient = {"role": concept(systems.V3_PARTICIPATION_TYPE, "IRCP"),
                 "reference": organisation(given["recipient_organisation"])}
    named = [{"role": concept(systems.V3_PARTICIPATION_TYPE, "IRCP"), "reference": professional(each)}
             for each in given["professionals"]]
    provision: Resource = {
        "type": "permit",
        "period": period(given["valid_from"], given["valid_until"]),
        # The organisation, narrowed to the named professionals when there are any.
        "actor": [recipient] + named,
        "action": [concept(systems.CONSENT_ACTION, "disclose")],
        "purpose": [coding(systems.PURPOSE, purpose) for purpose in given["purposes"]],
        "code": _categories(given["categories"]),
    }
    resource: Resource = {
        "resourceType": "Consent",
        "id": given["id"],
        "identifier": [identifier(systems.CONSENT_ID, given["id"])],
        "status": CONSENT_STATE[given["status"]],
        **_scope_and_category(DISCLOSURE_PERMISSION),
        "patient": client.reference(),
        "dateTime": instant(given["recorded_at"]),
        "performer": [_given_by(given["given_by"], client)],
        "policyRule": concept(systems.V3_ACT_CODE, "OPTIN"),
        "provision": provision,
    }
    return client.about(resource)


def _given_by(given_by: dict[str, Any], client: Client) -> dict[str, Any]:
    if given_by["kind"] == GivenBy.CLIENT:
        return client.reference()
    # A legal representative, known to tiimi only by their relation to the client.
    return {"type": "RelatedPerson", "display": f"legal representative ({given_by['relation']})"}


def denial(denied: dict[str, Any], client: Client) -> Resource:
    provision: Resource = {
        "type": "deny",
        "period": period(denied["recorded_at"], denied["lifted_at"]),
        "action": [concept(systems.CONSENT_ACTION, "disclose")],
        "code": _categories(denied["categories"]),
    }
    if denied["organisation"] is not None:  # none: denied to every organisation
        provision["actor"] = [{"role": concept(systems.V3_PARTICIPATION_TYPE, "IRCP"),
                               "reference": organisation(denied["organisation"])}]
    resource: Resource = {
        "resourceType": "Consent",
        "id": denied["id"],
        "identifier": [identifier(systems.DENIAL_ID, denied["id"])],
        "status": DENIAL_STATE[denied["status"]],
        **_scope_and_category(DISCLOSURE_DENIAL),
        "patient": client.reference(),
        "dateTime": instant(denied["recorded_at"]),
        "performer": [client.reference()],
        "policyRule": concept(systems.V3_ACT_CODE, "OPTOUT"),
        "provision": provision,
    }
    return client.about(resource)
