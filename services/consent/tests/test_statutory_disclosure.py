"""Disclosure on a statutory basis: the legal-bases file, the rule, and the use case on fakes."""
from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from consent import legal_bases, rules, schemas, use_cases
from consent.legal_bases import LegalBasesInvalid, LegalBasis
from consent.rules import DenialTerms, Reason
from tiimi_shared import contracts
from tiimi_shared.errors import ValidationError
from tiimi_shared.schemas import load
from tiimi_shared.testing.fakes import FIXED_NOW
from tiimi_shared.vocabulary import Category, DisclosureKind, Outcome, RecipientKind

from .fakes import FakeConsentUnitOfWork

NOW = FIXED_NOW
HOME = "0123456-7"
POLICE = "police-pirkanmaa"
WORKER = "sw-1001"
KEY_WORKER = "sw-2002"

THREAT = LegalBasis(id="threat_to_life_or_health", statute="812/2000 18 §",
                    description={"fi": "uhka", "sv": "hot", "en": "threat"},
                    categories=frozenset({"basic", "assessment"}), recipient_kinds=frozenset({"police"}))
BASES = {THREAT.id: THREAT}


def basis_document(**changes: Any) -> dict[str, Any]:
    basis = {"id": "threat_to_life_or_health", "statute": "812/2000 18 §",
             "description": {"fi": "uhka", "sv": "hot", "en": "threat"},
             "categories": ["basic", "assessment"], "recipient_kinds": ["police"]} | changes
    return {"legal_bases": [{k: v for k, v in basis.items() if v is not ...}]}


# -- the legal-bases file -------------------------------------------------------------------


def test_the_shipped_example_is_valid_and_covers_only_known_words():
    bases = legal_bases.load(legal_bases.EXAMPLE)

    assert "threat_to_life_or_health" in bases
    assert bases["threat_to_life_or_health"].statute == "812/2000 18 §"
    for basis in bases.values():
        assert set(basis.description) == {"fi", "sv", "en"}
        assert basis.categories <= {str(c) for c in Category}
        assert basis.recipient_kinds <= {str(k) for k in RecipientKind}


def test_the_path_comes_from_config_then_the_environment_then_the_example():
    both = legal_bases.path_of({"LEGAL_BASES": "/a.json"}, {"TIIMI_LEGAL_BASES": "/b.json"})
    assert both == Path("/a.json")
    assert legal_bases.path_of({}, {"TIIMI_LEGAL_BASES": "/b.json"}) == Path("/b.json")
    assert legal_bases.path_of({}, {}) == legal_bases.EXAMPLE


@pytest.mark.parametrize(("document", "named"), [
    ({}, "legal_bases"),
    ({"legal_bases": []}, "the list is empty"),
    (basis_document(id="Bad Id"), "legal_bases[0].id"),
    (basis_document(statute=" "), "legal_bases[0].statute"),
    (basis_document(description={"fi": "uhka", "en": "threat"}), "legal_bases[0].description"),
    (basis_document(categories=["basic", "secrets"]), "'secrets' is not one of"),
    (basis_document(categories=[]), "legal_bases[0].categories"),
    (basis_document(recipient_kinds=["journalist"]), "legal_bases[0].recipient_kinds"),
    (basis_document(recipient_kinds=...), "missing recipient_kinds"),
    (basis_document(notes="x"), "unknown field notes"),
    ({"legal_bases": [basis_document()["legal_bases"][0]] * 2}, "listed twice"),
])
def test_a_malformed_list_is_refused_naming_the_problem(document, named):
    with pytest.raises(LegalBasesInvalid, match=named.replace("[", r"\[").replace("]", r"\]")):
        legal_bases.parse(document)


def test_a_file_that_is_not_json_or_missing_is_refused_naming_the_file(tmp_path):
    broken = tmp_path / "bases.json"
    broken.write_text("{not json", encoding="utf-8")

    with pytest.raises(LegalBasesInvalid, match="bases.json: not JSON"):
        legal_bases.load(broken)
    with pytest.raises(LegalBasesInvalid, match="cannot be read"):
        legal_bases.load(tmp_path / "absent.json")


def test_a_valid_file_loads(tmp_path):
    path = tmp_path / "bases.json"
    path.write_text(json.dumps(basis_document()), encoding="utf-8")

    assert legal_bases.load(path) == BASES


# -- the rule ---------------------------------------------------------------------------------


def decide(basis: LegalBasis | None = THREAT, **overrides: Any) -> list[rules.Decision]:
    args: dict[str, Any] = dict(basis_id="threat_to_life_or_health", categories=["basic"],
                                recipient_organisation=POLICE, recipient_kind="police",
                                justification="threatened to harm a neighbour", denials=[], now=NOW)
    return rules.statutory_disclosure(basis, **args | overrides)


def test_a_covered_disclosure_is_permitted_on_its_basis_with_no_consent():
    (decision,) = decide()

    assert decision.permitted and decision.reason == Reason.STATUTORY_BASIS
    assert decision.consent_id is None and decision.denial_id is None


def test_a_denial_in_force_does_not_stop_it_but_is_named():
    denial = DenialTerms(id="denial-1", organisation=None, categories=frozenset({"assessment"}))

    basic, assessment = decide(categories=["basic", "assessment"], denials=[denial])

    assert basic.permitted and basic.denial_id is None
    assert assessment.permitted and assessment.denial_id == "denial-1"


def test_an_unknown_basis_is_refused_naming_the_field():
    with pytest.raises(ValidationError) as refused:
        decide(None, basis_id="gossip")

    assert set(refused.value.errors) == {"legal_basis"}


def test_a_category_the_basis_does_not_cover_is_refused_naming_it():
    with pytest.raises(ValidationError) as refused:
        decide(categories=["basic", "health"])

    assert set(refused.value.errors) == {"categories"}
    assert "health" in refused.value.errors["categories"][0]


def test_a_recipient_kind_the_basis_does_not_allow_is_refused():
    with pytest.raises(ValidationError) as refused:
        decide(recipient_kind="health_care")

    assert set(refused.value.errors) == {"recipient_kind"}


@pytest.mark.parametrize("justification", ["", "   \n"])
def test_a_blank_justification_is_refused(justification):
    with pytest.raises(ValidationError) as refused:
        decide(justification=justification)

    assert set(refused.value.errors) == {"justification"}


def test_every_problem_is_named_at_once():
    with pytest.raises(ValidationError) as refused:
        decide(categories=["financial"], recipient_kind="court", justification=" ")

    assert set(refused.value.errors) == {"categories", "recipient_kind", "justification"}


# -- the use case on fakes --------------------------------------------------------------------


@pytest.fixture
def uow() -> FakeConsentUnitOfWork:
    return FakeConsentUnitOfWork()


def disclosure(client_id: str, **overrides: Any) -> dict[str, Any]:
    args = {"client_id": client_id, "recipient_organisation": POLICE, "recipient_kind": "police",
            "categories": ["basic", "assessment"], "legal_basis": THREAT.id,
            "justification": "  threatened to harm a neighbour  ", "professional": WORKER,
            "organisation": HOME, "key_worker_id": KEY_WORKER} | overrides
    return load(schemas.RecordStatutoryDisclosure, args)  # type: ignore[no-any-return]


def test_a_statutory_disclosure_against_a_denial_is_logged_with_its_basis_and_announced(uow):
    client = str(uuid.uuid4())
    denial = use_cases.deny(uow, load(schemas.RecordDenial, {
        "client_id": client, "organisation": None, "categories": ["basic", "assessment"],
        "recorded_by": KEY_WORKER}), now=NOW)

    recorded = use_cases.record_statutory_disclosure(uow, disclosure(client), BASES, now=NOW)

    assert [e.category for e in recorded.entries] == ["basic", "assessment"]
    for entry in recorded.entries:
        assert (entry.kind, entry.outcome, entry.reason) == (
            DisclosureKind.DISCLOSURE, Outcome.PERMIT, Reason.STATUTORY_BASIS)
        assert (entry.legal_basis, entry.recipient_kind, entry.justification) == (
            THREAT.id, "police", "threatened to harm a neighbour")
        assert (entry.organisation, entry.professional, entry.denial_id) == (POLICE, WORKER, denial.id)
    (event,) = uow.published_data(contracts.STATUTORY_DISCLOSURE_RECORDED)
    assert event["key_worker_id"] == KEY_WORKER and event["against_denial"] is True
    assert event["legal_basis"] == THREAT.id and event["statute"] == "812/2000 18 §"
    assert event["entry_ids"] == [e.entry_id for e in recorded.entries]
    assert "justification" not in event  # words about the client stay in the log
    report = use_cases.disclosure_report(uow, {"client_id": uuid.UUID(client), "include_denied": False})
    assert [e.entry_id for e in report] == [e.entry_id for e in recorded.entries]
    use_cases.chain_log(uow)
    assert use_cases.verify_log(uow).intact


def test_it_never_widens_an_ordinary_check(uow):
    client = str(uuid.uuid4())
    use_cases.deny(uow, load(schemas.RecordDenial, {
        "client_id": client, "organisation": None, "categories": ["basic"], "recorded_by": KEY_WORKER}),
        now=NOW)
    request = {"client_id": uuid.UUID(client), "organisation": POLICE, "professional": None,
               "category": "basic", "purpose": "referral"}
    before = use_cases.check(uow, request, now=NOW).decision

    use_cases.record_statutory_disclosure(uow, disclosure(client, categories=["basic"]), BASES, now=NOW)
    after = use_cases.check(uow, request, now=NOW).decision

    assert before == after
    assert not after.permitted and after.reason == Reason.DENIED_BY_CLIENT


@pytest.mark.parametrize(("overrides", "field"), [
    ({"legal_basis": "gossip"}, "legal_basis"),
    ({"categories": ["health"]}, "categories"),
    ({"recipient_kind": "court"}, "recipient_kind"),
    ({"justification": "  "}, "justification"),
])
def test_a_refusal_changes_nothing(uow, overrides, field):
    client = str(uuid.uuid4())

    with pytest.raises(ValidationError) as refused:
        use_cases.record_statutory_disclosure(uow, disclosure(client, **overrides), BASES, now=NOW)

    assert field in refused.value.errors
    assert (uow.published, uow.disclosure_log.entries) == ([], [])


@pytest.mark.parametrize(("missing", "field"), [
    ("justification", "justification"), ("legal_basis", "legal_basis"),
    ("recipient_kind", "recipient_kind")])
def test_the_command_must_name_its_basis_kind_and_justification(missing, field):
    args = {"client_id": str(uuid.uuid4()), "recipient_organisation": POLICE, "recipient_kind": "police",
            "categories": ["basic"], "legal_basis": THREAT.id, "justification": "why",
            "professional": WORKER, "organisation": HOME}
    del args[missing]

    with pytest.raises(ValidationError) as refused:
        load(schemas.RecordStatutoryDisclosure, args)

    assert field in refused.value.errors
