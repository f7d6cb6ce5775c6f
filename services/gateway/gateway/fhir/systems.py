"""The code systems and identifier systems tiimi's FHIR resources name, each declared once.

Where a national or HL7 system has the code we mean, it is used; where none fits
(tiimi's data categories, purposes, roles in a team, referral services and outcomes),
the code is tiimi's own word from ``tiimi_shared.vocabulary`` under a CodeSystem URI of
tiimi's. ``BASE`` is a placeholder (``.example`` is reserved for that): a county that
runs tiimi publishes these under its own canonical base, in one place, here.
"""
from __future__ import annotations

from typing import Final

BASE: Final = "https://tiimi.example/fhir"
FHIR_VERSION: Final = "4.0.1"  # R4; the R4B models that check these resources have the same shapes


def _code_system(name: str) -> str:
    return f"{BASE}/CodeSystem/{name}"


def _identifier_system(name: str) -> str:
    return f"{BASE}/sid/{name}"


# -- tiimi's identifiers: what tiimi itself calls a thing
CLIENT_ID: Final = _identifier_system("client")
PROFESSIONAL_ID: Final = _identifier_system("professional")
# The organisations' identifiers as tiimi holds them (Business IDs, e.g. 1234567-8).
ORGANISATION_ID: Final = _identifier_system("organisation")
TEAM_ID: Final = _identifier_system("team")
MEMBER_ID: Final = _identifier_system("team-member")
CONSENT_ID: Final = _identifier_system("consent")
DENIAL_ID: Final = _identifier_system("denial")
REFERRAL_ID: Final = _identifier_system("referral")
DISCLOSURE_ENTRY_ID: Final = _identifier_system("disclosure-log-entry")
TIIMI_SERVICE: Final = _identifier_system("service")

# -- the national identifier: the Finnish personal identity code (henkilötunnus), OID 1.2.246.21
# as the Finnish Base Profiles (HL7 Finland) name it; typed NNFIN in HL7's identifier types.
PERSONAL_IDENTITY_CODE: Final = "urn:oid:1.2.246.21"
IDENTIFIER_TYPE: Final = "http://terminology.hl7.org/CodeSystem/v2-0203"

# -- tiimi's code systems: the words of tiimi_shared.vocabulary
CATEGORY: Final = _code_system("data-category")
PURPOSE: Final = _code_system("purpose")
TEAM_ROLE: Final = _code_system("team-role")            # key_worker, client, close_one
PROFESSIONAL_ROLE: Final = _code_system("professional-role")
CLOSE_ONE_RELATION: Final = _code_system("close-one-relation")
MEMBER_STATUS: Final = _code_system("member-status")
CONSENT_KIND: Final = _code_system("consent-kind")      # disclosure_permission, disclosure_denial
GIVEN_BY: Final = _code_system("consent-given-by")
CONSENT_METHOD: Final = _code_system("consent-method")
REFERRAL_SERVICE: Final = _code_system("referral-service")
REFERRAL_OUTCOME: Final = _code_system("referral-outcome")
REFERRAL_BUSINESS_STATUS: Final = _code_system("referral-business-status")
REFERRAL_OUTPUT: Final = _code_system("referral-output")
DISCLOSURE_KIND: Final = _code_system("disclosure-kind")
DISCLOSURE_REASON: Final = _code_system("disclosure-reason")
LEGAL_BASIS: Final = _code_system("legal-basis")  # the ids of the county's list of legal bases

# -- tiimi's extensions
MEMBER_STATUS_EXTENSION: Final = f"{BASE}/StructureDefinition/team-member-status"
DISCLOSURE_NOTIFICATIONS_OPERATION: Final = f"{BASE}/OperationDefinition/disclosure-notifications"

# -- HL7 code systems
V3_ROLE_CODE: Final = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
V3_ACT_CODE: Final = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
V3_PARTICIPATION_TYPE: Final = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
CONSENT_SCOPE: Final = "http://terminology.hl7.org/CodeSystem/consentscope"
CONSENT_ACTION: Final = "http://terminology.hl7.org/CodeSystem/consentaction"
LOINC: Final = "http://loinc.org"
TASK_CODE: Final = "http://hl7.org/fhir/CodeSystem/task-code"
DICOM: Final = "http://dicom.nema.org/resources/ontology/DCM"
AUDIT_ENTITY_TYPE: Final = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
OBJECT_ROLE: Final = "http://terminology.hl7.org/CodeSystem/object-role"
SECURITY_SOURCE_TYPE: Final = "http://terminology.hl7.org/CodeSystem/security-source-type"
RESOURCE_TYPES: Final = "http://hl7.org/fhir/resource-types"
PROVENANCE_PARTICIPANT_TYPE: Final = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
DATA_OPERATION: Final = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"
