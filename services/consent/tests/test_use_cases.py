"""Every consent use case on an in-memory unit of work: no broker, no database."""
from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from consent import ledger, schemas, use_cases
from consent.rules import ConsentStatus, Reason
from tiimi_shared import contracts
from tiimi_shared.errors import Conflict, NotFound, ValidationError
from tiimi_shared.handlers import ReceivedEvent
from tiimi_shared.schemas import load
from tiimi_shared.testing.fakes import FIXED_NOW

from .fakes import FakeConsentUnitOfWork

NOW = FIXED_NOW
DAY = timedelta(days=1)
ORG = "0123456-7"
OTHER_ORG = "7654321-0"
WORKER = "sw-1001"


@pytest.fixture
def uow() -> FakeConsentUnitOfWork:
    return FakeConsentUnitOfWork()


@pytest.fixture
def client() -> str:
    return str(uuid.uuid4())


def grant_command(client_id: str, **overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "client_id": client_id, "given_by": {"kind": "client"}, "recipient_organisation": ORG,
        "categories": ["basic", "team"], "purposes": ["team_coordination"],
        "method": "written", "recorded_by": WORKER,
    }
    args.update(overrides)
    return load(schemas.GrantConsent, args)


def check_command(client_id: str, **overrides: Any) -> dict[str, Any]:
    args = {"client_id": client_id, "organisation": ORG, "category": "basic",
            "purpose": "team_coordination"}
    args.update(overrides)
    return load(schemas.CheckAccess, args)


def withdraw_command(consent_id: str) -> dict[str, Any]:
    return load(schemas.WithdrawConsent, {"consent_id": consent_id, "withdrawn_by": WORKER,
                                          "reason": "client asked"})


def deny_command(client_id: str, organisation: str | None = None,
                 categories: tuple[str, ...] = ("basic",)) -> dict[str, Any]:
    return load(schemas.RecordDenial, {"client_id": client_id, "organisation": organisation,
                                       "categories": list(categories), "recorded_by": WORKER})


def lift_command(denial_id: str) -> dict[str, Any]:
    return load(schemas.LiftDenial, {"denial_id": denial_id, "lifted_by": WORKER, "reason": "changed mind"})


def disclosure_command(client_id: str, consent_id: str, **overrides: Any) -> dict[str, Any]:
    args = {"client_id": client_id, "consent_id": consent_id, "organisation": ORG,
            "professional": "ngo-77", "category": "basic", "purpose": "team_coordination"}
    args.update(overrides)
    return load(schemas.RecordDisclosure, args)


def decision_of(answer: use_cases.Answer) -> tuple[str, str, str | None]:
    return (answer.decision.outcome, answer.decision.reason, answer.decision.consent_id)


# -- grant -----------------------------------------------------------------------------------


def test_a_granted_consent_is_recorded_active_from_now_and_announced(uow, client):
    consent = use_cases.grant(uow, grant_command(client), now=NOW)

    assert (consent.status, consent.valid_from, consent.recorded_at) == (ConsentStatus.ACTIVE, NOW, NOW)
    assert uow.consents.of_client(client) == [consent]
    assert [h.action for h in consent.history] == ["granted"]
    assert uow.published_types() == ["consent_granted"]
    (event,) = uow.published_data(contracts.CONSENT_GRANTED)
    assert (event["consent_id"], event["client_id"], event["given_by"]) == (consent.id, client, "client")


def test_a_consent_given_a_start_is_valid_from_that_start(uow, client):
    starts = NOW + DAY
    consent = use_cases.grant(uow, grant_command(client, valid_from=starts.isoformat()), now=NOW)

    assert consent.valid_from == starts


def test_a_legal_representative_is_recorded_with_their_relation(uow, client):
    consent = use_cases.grant(uow, grant_command(
        client, given_by={"kind": "legal_representative", "relation": "trustee"}), now=NOW)

    assert (consent.given_by, consent.representative_relation) == ("legal_representative", "trustee")


@pytest.mark.parametrize(("overrides", "field"), [
    pytest.param({"valid_until": (NOW - DAY).isoformat()}, "valid_until", id="already-ended"),
    pytest.param({"valid_until": NOW.isoformat()}, "valid_until", id="ends-now"),
    pytest.param({"given_by": {"kind": "legal_representative"}}, "given_by.relation",
                 id="representative-without-relation"),
])
def test_a_consent_that_cannot_stand_is_refused_and_nothing_is_recorded(uow, client, overrides, field):
    with pytest.raises(ValidationError) as refused:
        use_cases.grant(uow, grant_command(client, **overrides), now=NOW)

    assert field in refused.value.errors
    assert uow.consents.rows == {}
    assert (uow.commits, uow.published) == (0, [])


# -- withdraw --------------------------------------------------------------------------------


def test_withdrawing_an_active_consent_ends_it_now_and_announces_it(uow, client):
    consent = use_cases.grant(uow, grant_command(client), now=NOW)

    withdrawn = use_cases.withdraw(uow, withdraw_command(consent.id), now=NOW + DAY)

    assert (withdrawn.status, withdrawn.withdrawn_at, withdrawn.withdrawn_by,
            withdrawn.withdrawal_reason) == (ConsentStatus.WITHDRAWN, NOW + DAY, WORKER, "client asked")
    assert [(h.action, h.reason) for h in withdrawn.history] == [
        ("granted", None), ("withdrawn", "client asked")]
    (event,) = uow.published_data(contracts.CONSENT_WITHDRAWN)
    assert (event["consent_id"], event["withdrawn_by"]) == (consent.id, WORKER)


def test_a_withdrawn_consent_denies_at_once(uow, client):
    consent = use_cases.grant(uow, grant_command(client), now=NOW)
    assert decision_of(use_cases.check(uow, check_command(client), now=NOW)) == (
        "permit", "permitted", consent.id)

    use_cases.withdraw(uow, withdraw_command(consent.id), now=NOW)

    assert decision_of(use_cases.check(uow, check_command(client), now=NOW)) == (
        "deny", "withdrawn", consent.id)


@pytest.mark.parametrize("ended", ["withdrawn", "expired"])
def test_only_an_active_consent_can_be_withdrawn(uow, client, ended):
    consent = use_cases.grant(uow, grant_command(client, valid_until=(NOW + DAY).isoformat()), now=NOW)
    if ended == "withdrawn":
        use_cases.withdraw(uow, withdraw_command(consent.id), now=NOW)
    else:
        use_cases.expire_consents(uow, now=NOW + DAY)
    published = list(uow.published)

    with pytest.raises(Conflict) as conflict:
        use_cases.withdraw(uow, withdraw_command(consent.id), now=NOW + 2 * DAY)

    assert conflict.value.current_state == ended
    assert uow.consents.get(consent.id).status == ended
    assert uow.published == published


def test_withdrawing_an_unknown_consent_is_not_found(uow):
    with pytest.raises(NotFound):
        use_cases.withdraw(uow, withdraw_command(str(uuid.uuid4())), now=NOW)
    assert uow.published == []


# -- expire_consents -------------------------------------------------------------------------


def test_the_sweep_expires_consents_past_their_end_once_each(uow, client):
    ending = use_cases.grant(uow, grant_command(client, valid_until=(NOW + DAY).isoformat()), now=NOW)
    open_ended = use_cases.grant(uow, grant_command(client), now=NOW)

    assert use_cases.expire_consents(uow, now=NOW + DAY - timedelta(microseconds=1)) == 0
    assert use_cases.expire_consents(uow, now=NOW + DAY) == 1
    assert use_cases.expire_consents(uow, now=NOW + 2 * DAY) == 0

    assert (ending.status, ending.expired_at) == (ConsentStatus.EXPIRED, NOW + DAY)
    assert [h.action for h in ending.history] == ["granted", "expired"]
    assert open_ended.status == ConsentStatus.ACTIVE
    assert [e["consent_id"] for e in uow.published_data(contracts.CONSENT_EXPIRED)] == [ending.id]


def test_the_sweep_leaves_a_withdrawn_consent_withdrawn(uow, client):
    consent = use_cases.grant(uow, grant_command(client, valid_until=(NOW + DAY).isoformat()), now=NOW)
    use_cases.withdraw(uow, withdraw_command(consent.id), now=NOW)

    assert use_cases.expire_consents(uow, now=NOW + 2 * DAY) == 0
    assert consent.status == ConsentStatus.WITHDRAWN
    assert uow.published_data(contracts.CONSENT_EXPIRED) == []


# -- deny and lift_denial --------------------------------------------------------------------


def test_a_denial_overrides_a_consent_and_is_announced(uow, client):
    use_cases.grant(uow, grant_command(client), now=NOW)

    denial = use_cases.deny(uow, deny_command(client), now=NOW)

    answer = use_cases.check(uow, check_command(client), now=NOW)
    assert (answer.decision.outcome, answer.decision.reason, answer.decision.denial_id) == (
        "deny", "denied_by_client", denial.id)
    # The denial names basic only: team is still permitted.
    assert use_cases.check(uow, check_command(client, category="team"), now=NOW).decision.permitted
    (event,) = uow.published_data(contracts.DENIAL_RECORDED)
    assert (event["denial_id"], event["organisation"], event["categories"]) == (denial.id, None, ["basic"])


def test_lifting_a_denial_lets_the_consent_permit_again_and_is_announced(uow, client):
    use_cases.grant(uow, grant_command(client), now=NOW)
    denial = use_cases.deny(uow, deny_command(client), now=NOW)

    lifted = use_cases.lift_denial(uow, lift_command(denial.id), now=NOW + DAY)

    assert (lifted.lifted_at, lifted.lifted_by, lifted.lift_reason) == (NOW + DAY, WORKER, "changed mind")
    assert use_cases.check(uow, check_command(client), now=NOW + DAY).decision.permitted
    assert [e["denial_id"] for e in uow.published_data(contracts.DENIAL_LIFTED)] == [denial.id]


def test_a_denial_is_lifted_only_once(uow, client):
    denial = use_cases.deny(uow, deny_command(client), now=NOW)
    use_cases.lift_denial(uow, lift_command(denial.id), now=NOW)

    with pytest.raises(Conflict) as conflict:
        use_cases.lift_denial(uow, lift_command(denial.id), now=NOW + DAY)

    assert conflict.value.current_state == "lifted"
    assert denial.lifted_at == NOW
    assert len(uow.published_data(contracts.DENIAL_LIFTED)) == 1


def test_lifting_an_unknown_denial_is_not_found(uow):
    with pytest.raises(NotFound):
        use_cases.lift_denial(uow, lift_command(str(uuid.uuid4())), now=NOW)


# -- check and check_many --------------------------------------------------------------------


def test_a_check_is_answered_and_logged_with_its_request(uow, client):
    consent = use_cases.grant(uow, grant_command(client), now=NOW)

    answer = use_cases.check(uow, check_command(client, professional="ngo-77"), now=NOW)

    (entry,) = uow.disclosure_log.entries
    assert answer.entry_id == entry.entry_id
    assert answer.request == {"organisation": ORG, "professional": "ngo-77", "category": "basic",
                              "purpose": "team_coordination"}
    assert (entry.kind, entry.client_id, entry.professional, entry.outcome, entry.reason,
            entry.consent_id) == ("decision", client, "ngo-77", "permit", "permitted", consent.id)


def test_a_client_with_nothing_on_record_is_unknown(uow, client):
    answer = use_cases.check(uow, check_command(client), now=NOW)

    assert decision_of(answer) == ("deny", "unknown_client", None)
    assert [e.reason for e in uow.disclosure_log.entries] == ["unknown_client"]


def test_a_batch_is_answered_in_order_and_each_answer_logged(uow, client):
    use_cases.grant(uow, grant_command(client), now=NOW)
    command = load(schemas.CheckMany, {"client_id": client, "requests": [
        {"organisation": ORG, "category": "basic", "purpose": "team_coordination"},
        {"organisation": ORG, "category": "health", "purpose": "team_coordination"},
        {"organisation": OTHER_ORG, "category": "team", "purpose": "team_coordination"},
    ]})

    answers = use_cases.check_many(uow, command, now=NOW)

    assert [(a.decision.outcome, a.decision.reason) for a in answers] == [
        ("permit", "permitted"), ("deny", "no_consent"), ("deny", "no_consent")]
    assert [a.entry_id for a in answers] == [e.entry_id for e in uow.disclosure_log.entries]


def test_a_check_that_cannot_be_logged_is_denied(uow, client):
    use_cases.grant(uow, grant_command(client), now=NOW)
    uow.disclosure_log.broken = True

    answer = use_cases.check(uow, check_command(client), now=NOW)

    assert (decision_of(answer), answer.entry_id) == (("deny", "internal_error", None), None)


def test_a_batch_that_cannot_be_logged_is_denied_whole(uow, client):
    use_cases.grant(uow, grant_command(client), now=NOW)
    uow.disclosure_log.broken = True
    command = load(schemas.CheckMany, {"client_id": client, "requests": [
        {"organisation": ORG, "category": "basic", "purpose": "team_coordination"}] * 2})

    answers = use_cases.check_many(uow, command, now=NOW)

    assert [decision_of(a) for a in answers] == [("deny", "internal_error", None)] * 2


def test_a_malformed_check_is_denied_and_logs_only_its_well_formed_fields(uow):
    request = {"client_id": "010101-123N", "organisation": ORG, "category": "basic",
               "purpose": "team_coordination"}
    well_formed = schemas.well_formed_fields(request, {"client_id": ["Not a valid UUID."]})

    answer = use_cases.refuse_malformed(uow, well_formed, now=NOW)

    assert decision_of(answer) == ("deny", "malformed_request", None)
    (entry,) = uow.disclosure_log.entries
    assert (entry.entry_id, entry.client_id, entry.organisation, entry.reason) == (
        answer.entry_id, None, ORG, Reason.MALFORMED_REQUEST)
    assert "010101-123N" not in str(answer.request)


def test_a_malformed_check_is_logged_against_its_client_when_the_client_id_is_well_formed(uow, client):
    request = {"client_id": client, "organisation": ORG, "category": "dreams",
               "purpose": "team_coordination"}
    well_formed = schemas.well_formed_fields(request, {"category": ["Must be one of: ..."]})

    answer = use_cases.refuse_malformed(uow, well_formed, now=NOW)

    (entry,) = uow.disclosure_log.entries
    assert (entry.client_id, entry.category, entry.purpose) == (client, None, "team_coordination")
    assert "dreams" not in str(answer.request)


def test_a_malformed_check_is_still_denied_when_it_cannot_be_logged(uow):
    uow.disclosure_log.broken = True

    answer = use_cases.refuse_malformed(uow, {"organisation": ORG}, now=NOW)

    assert (decision_of(answer), answer.entry_id) == (("deny", "malformed_request", None), None)


# -- record_disclosure and record_access -----------------------------------------------------


def test_a_disclosure_under_a_permitting_consent_is_logged(uow, client):
    consent = use_cases.grant(uow, grant_command(client), now=NOW)

    entry = use_cases.record_disclosure(uow, disclosure_command(client, consent.id), now=NOW)

    assert (entry.kind, entry.client_id, entry.professional, entry.outcome, entry.consent_id) == (
        "disclosure", client, "ngo-77", "permit", consent.id)
    assert uow.disclosure_log.entries == [entry]


def test_a_disclosure_the_consent_does_not_cover_is_a_conflict_and_not_logged(uow, client):
    consent = use_cases.grant(uow, grant_command(client), now=NOW)

    with pytest.raises(Conflict) as conflict:
        use_cases.record_disclosure(uow, disclosure_command(client, consent.id, category="health"), now=NOW)

    assert conflict.value.current_state == "no_consent"
    assert uow.disclosure_log.entries == []


def test_a_disclosure_under_a_withdrawn_consent_is_a_conflict(uow, client):
    consent = use_cases.grant(uow, grant_command(client), now=NOW)
    use_cases.withdraw(uow, withdraw_command(consent.id), now=NOW)

    with pytest.raises(Conflict) as conflict:
        use_cases.record_disclosure(uow, disclosure_command(client, consent.id), now=NOW)

    assert conflict.value.current_state == "withdrawn"


def test_a_disclosure_under_another_clients_consent_is_not_found(uow, client):
    consent = use_cases.grant(uow, grant_command(client), now=NOW)

    with pytest.raises(NotFound):
        use_cases.record_disclosure(uow, disclosure_command(str(uuid.uuid4()), consent.id), now=NOW)
    assert uow.disclosure_log.entries == []


# -- a sent referral's disclosure, from the referral service's event -------------------------


def referral_disclosed(client_id: str, consents: dict[str, str], *, at=NOW) -> ReceivedEvent:
    envelope = contracts.registry.make(contracts.REFERRAL_DISCLOSED.name, {
        "referral_id": str(uuid.uuid4()), "client_id": client_id, "recipient_organisation": ORG,
        "purpose": "referral", "consents": consents, "disclosed_at": at}, source="referral", occurred_at=at)
    return ReceivedEvent(envelope, "consent.on_referral_disclosed")


def test_a_sent_referral_is_logged_as_disclosed_under_each_consent_and_shows_in_the_report(uow, client):
    consent = use_cases.grant(uow, grant_command(client, purposes=["referral"]), now=NOW)

    entries = use_cases.record_referral_disclosure(
        uow, referral_disclosed(client, {"team": consent.id, "basic": consent.id}, at=NOW + DAY))

    assert [(e.kind, e.category, e.organisation, e.purpose, e.outcome, e.consent_id, e.at)
            for e in entries] == [("disclosure", c, ORG, "referral", "permit", consent.id, NOW + DAY)
                                  for c in ("basic", "team")]
    report = use_cases.disclosure_report(uow, load(schemas.ReportQuery, {"client_id": client}))
    assert [(e.kind, e.category) for e in report] == [("disclosure", "basic"), ("disclosure", "team")]


def test_a_redelivered_referral_disclosure_is_logged_once(uow, client):
    consent = use_cases.grant(uow, grant_command(client, purposes=["referral"]), now=NOW)
    event = referral_disclosed(client, {"basic": consent.id})

    assert use_cases.record_referral_disclosure(uow, event) is not None
    assert use_cases.record_referral_disclosure(uow, event) is None
    assert len(uow.disclosure_log.entries) == 1


def test_a_referral_disclosure_is_decided_when_it_was_made_not_when_it_is_logged(uow, client):
    consent = use_cases.grant(uow, grant_command(client, purposes=["referral"]), now=NOW)
    use_cases.withdraw(uow, withdraw_command(consent.id), now=NOW + DAY)

    (before,) = use_cases.record_referral_disclosure(uow, referral_disclosed(client, {"basic": consent.id}))
    (after,) = use_cases.record_referral_disclosure(
        uow, referral_disclosed(client, {"basic": consent.id}, at=NOW + 2 * DAY))

    # Sent before the withdrawal: a permit. Sent after it (a race the referral service then
    # answers by telling the partner to stop): logged all the same, with the consent's deny.
    assert (before.outcome, after.outcome, after.reason) == ("permit", "deny", "withdrawn")
    assert len(uow.disclosure_log.entries) == 2


def test_a_referral_disclosure_naming_another_clients_consent_is_not_logged(uow, client):
    consent = use_cases.grant(uow, grant_command(client, purposes=["referral"]), now=NOW)

    someone_else = str(uuid.uuid4())
    with pytest.raises(NotFound):
        use_cases.record_referral_disclosure(uow, referral_disclosed(someone_else, {"basic": consent.id}))
    assert uow.disclosure_log.entries == []


def test_a_read_inside_the_data_holding_organisation_is_logged_as_access(uow, client):
    command = load(schemas.RecordAccess, {"client_id": client, "organisation": ORG,
                                          "professional": WORKER, "category": "basic",
                                          "purpose": "team_coordination"})

    entry = use_cases.record_access(uow, command, now=NOW)

    assert (entry.kind, entry.client_id, entry.outcome, entry.reason, entry.consent_id) == (
        "access", client, "permit", "own_organisation", None)


# -- disclose and record_accesses: a read decided and logged in one write --------------------


def reads(client_id: str, *categories: str, organisation: str = ORG) -> dict[str, Any]:
    return {"client_id": client_id, "requests": [
        {"organisation": organisation, "professional": "ngo-77", "category": category,
         "purpose": "team_coordination"} for category in categories]}


class CountedAppends:
    """The fake log's ``append``, counting the writes: a read should be one."""

    def __init__(self, uow: FakeConsentUnitOfWork) -> None:
        self.writes = 0
        self._append = uow.disclosure_log.append
        uow.disclosure_log.append = self  # type: ignore[method-assign]

    def __call__(self, entries: Any) -> None:
        self.writes += 1
        self._append(entries)


def test_a_read_consent_permits_whole_is_disclosed_under_its_consent_in_one_write(uow, client):
    consent = use_cases.grant(uow, grant_command(client), now=NOW)
    appends = CountedAppends(uow)

    disclosed = use_cases.disclose(uow, load(schemas.Disclose, reads(client, "basic", "team")), now=NOW)

    assert [decision_of(a) for a in disclosed.answers] == [("permit", "permitted", consent.id)] * 2
    assert [(e.kind, e.category, e.outcome, e.consent_id) for e in disclosed.disclosures] == [
        ("disclosure", "basic", "permit", consent.id), ("disclosure", "team", "permit", consent.id)]
    # Each decision is logged as a check's is, and beside it the disclosure it permitted.
    assert [(e.kind, e.category) for e in uow.disclosure_log.entries] == [
        ("decision", "basic"), ("decision", "team"), ("disclosure", "basic"), ("disclosure", "team")]
    assert [a.entry_id for a in disclosed.answers] == [e.entry_id for e in uow.disclosure_log.entries[:2]]
    assert appends.writes == 1


def test_a_read_with_one_category_refused_discloses_nothing_and_logs_the_decisions(uow, client):
    use_cases.grant(uow, grant_command(client), now=NOW)

    disclosed = use_cases.disclose(uow, load(schemas.Disclose, reads(client, "basic", "health")), now=NOW)

    assert [a.decision.reason for a in disclosed.answers] == ["permitted", "no_consent"]
    assert disclosed.disclosures == []
    assert [e.kind for e in uow.disclosure_log.entries] == ["decision", "decision"]


def test_a_read_after_the_consent_is_withdrawn_is_refused_at_once(uow, client):
    consent = use_cases.grant(uow, grant_command(client), now=NOW)
    use_cases.disclose(uow, load(schemas.Disclose, reads(client, "basic")), now=NOW)
    use_cases.withdraw(uow, withdraw_command(consent.id), now=NOW)

    disclosed = use_cases.disclose(uow, load(schemas.Disclose, reads(client, "basic")), now=NOW)

    assert [decision_of(a) for a in disclosed.answers] == [("deny", "withdrawn", consent.id)]
    assert disclosed.disclosures == []


def test_a_read_against_a_denial_is_refused_and_nothing_disclosed(uow, client):
    use_cases.grant(uow, grant_command(client), now=NOW)
    denial = use_cases.deny(uow, deny_command(client, organisation=ORG, categories=("team",)), now=NOW)

    disclosed = use_cases.disclose(uow, load(schemas.Disclose, reads(client, "basic", "team")), now=NOW)

    assert [(a.decision.reason, a.decision.denial_id) for a in disclosed.answers] == [
        ("permitted", None), ("denied_by_client", denial.id)]
    assert disclosed.disclosures == []


def test_a_read_that_cannot_be_logged_is_refused_whole(uow, client):
    use_cases.grant(uow, grant_command(client), now=NOW)
    uow.disclosure_log.broken = True

    disclosed = use_cases.disclose(uow, load(schemas.Disclose, reads(client, "basic", "team")), now=NOW)

    assert [decision_of(a) for a in disclosed.answers] == [("deny", "internal_error", None)] * 2
    assert disclosed.disclosures == []


def test_a_read_at_home_of_several_categories_is_logged_as_access_in_one_write(uow, client):
    appends = CountedAppends(uow)

    entries = use_cases.record_accesses(uow, load(schemas.RecordAccesses, reads(client, "basic", "team")),
                                        now=NOW)

    assert [(e.kind, e.category, e.outcome, e.reason, e.consent_id) for e in entries] == [
        ("access", "basic", "permit", "own_organisation", None),
        ("access", "team", "permit", "own_organisation", None)]
    assert uow.disclosure_log.entries == entries
    assert appends.writes == 1


# -- reading the record ----------------------------------------------------------------------


def test_the_record_of_a_client_lists_their_consents_with_history_and_their_denials(uow, client):
    consent = use_cases.grant(uow, grant_command(client), now=NOW)
    use_cases.withdraw(uow, withdraw_command(consent.id), now=NOW)
    denial = use_cases.deny(uow, deny_command(client), now=NOW)
    use_cases.grant(uow, grant_command(str(uuid.uuid4())), now=NOW)

    record = use_cases.list_consents(uow, {"client_id": uuid.UUID(client)})

    assert record.client_id == client
    assert [(c.id, [h.action for h in c.history]) for c in record.consents] == [
        (consent.id, ["granted", "withdrawn"])]
    assert record.denials == [denial]


def test_the_disclosure_report_shows_permits_unless_denials_are_asked_for(uow, client):
    consent = use_cases.grant(uow, grant_command(client), now=NOW)
    use_cases.check(uow, check_command(client), now=NOW)
    use_cases.check(uow, check_command(client, category="health"), now=NOW)
    use_cases.record_disclosure(uow, disclosure_command(client, consent.id), now=NOW)
    use_cases.check(uow, check_command(str(uuid.uuid4())), now=NOW)

    permits = use_cases.disclosure_report(uow, {"client_id": client, "include_denied": False})
    everything = use_cases.disclosure_report(uow, {"client_id": client, "include_denied": True})

    assert [(e.kind, e.outcome) for e in permits] == [("decision", "permit"), ("disclosure", "permit")]
    assert [e.outcome for e in everything] == ["permit", "deny", "permit"]


def test_verifying_the_log_finds_it_intact_then_finds_a_changed_entry(uow, client):
    for _ in range(3):
        use_cases.check(uow, check_command(client), now=NOW)
    use_cases.chain_log(uow)

    intact = use_cases.verify_log(uow)
    uow.disclosure_log.entries[1].outcome = "permit"
    changed = use_cases.verify_log(uow)

    assert (intact.intact, intact.entries, intact.unchained, intact.problems) == (True, 3, 0, [])
    assert not changed.intact
    assert [(p.seq, p.problem) for p in changed.problems] == [(2, "changed")]


# -- the sequencer ---------------------------------------------------------------------------


def test_a_decision_is_logged_unchained_and_the_sequencer_chains_it(uow, client):
    answer = use_cases.check(uow, check_command(client), now=NOW)

    (entry,) = uow.disclosure_log.entries
    assert (entry.entry_id, entry.seq, entry.prev_hash, entry.hash) == (answer.entry_id, None, None, None)

    assert use_cases.chain_log(uow) == 1
    assert (entry.seq, entry.prev_hash) == (1, ledger.GENESIS)
    assert uow.disclosure_log.head == ledger.Head(1, entry.hash)
    assert use_cases.chain_log(uow) == 0


def test_the_sequencer_chains_in_the_order_written_a_batch_at_a_time(uow, client):
    for category in ("basic", "team", "health", "care_plan", "financial"):
        use_cases.check(uow, check_command(client, category=category), now=NOW)

    assert use_cases.chain_log(uow, batch=2) == 5

    assert [(e.category, e.seq) for e in uow.disclosure_log.entries] == [
        ("basic", 1), ("team", 2), ("health", 3), ("care_plan", 4), ("financial", 5)]
    check = use_cases.verify_log(uow)
    assert (check.intact, check.entries, check.unchained) == (True, 5, 0)


def test_verify_counts_the_entries_not_yet_chained_apart_from_the_chain(uow, client):
    use_cases.check(uow, check_command(client), now=NOW)
    use_cases.chain_log(uow)
    use_cases.check_many(uow, load(schemas.CheckMany, {"client_id": client, "requests": [
        {"organisation": ORG, "category": "basic", "purpose": "team_coordination"}] * 2}), now=NOW)

    check = use_cases.verify_log(uow)

    assert (check.intact, check.entries, check.unchained, check.problems) == (True, 3, 2, [])


def test_entries_left_unchained_by_a_crash_are_chained_by_the_next_run_after_the_chain(uow, client):
    use_cases.check(uow, check_command(client), now=NOW)
    use_cases.chain_log(uow)
    # Written and committed; the sequencer crashes (or the process stops) before it chains them.
    use_cases.check(uow, check_command(client, category="team"), now=NOW)
    use_cases.check(uow, check_command(client, category="health"), now=NOW)

    assert use_cases.chain_log(uow) == 2

    assert [e.seq for e in uow.disclosure_log.entries] == [1, 2, 3]
    assert use_cases.verify_log(uow).intact


def test_a_sequencer_that_finds_the_head_taken_leaves_the_entries_to_the_one_holding_it(uow, client):
    use_cases.check(uow, check_command(client), now=NOW)
    uow.disclosure_log.head_taken = True

    assert use_cases.chain_log(uow) == 0
    assert uow.disclosure_log.count_unchained() == 1

    uow.disclosure_log.head_taken = False
    assert use_cases.chain_log(uow) == 1


def test_removing_the_newest_chained_entry_is_found(uow, client):
    for _ in range(3):
        use_cases.check(uow, check_command(client), now=NOW)
    use_cases.chain_log(uow)

    uow.disclosure_log.entries.pop()

    assert [(p.seq, p.problem) for p in use_cases.verify_log(uow).problems] == [
        (3, "missing"), (3, "head_mismatch")]


def test_the_report_shows_entries_not_yet_chained_last_and_without_a_seq(uow, client):
    use_cases.check(uow, check_command(client), now=NOW)
    use_cases.chain_log(uow)
    use_cases.check(uow, check_command(client, category="team"), now=NOW)

    report = use_cases.disclosure_report(uow, {"client_id": client, "include_denied": True})

    assert [(e.category, e.seq) for e in report] == [("basic", 1), ("team", None)]
    assert [d["seq"] for d in schemas.DisclosureOut(many=True).dump(report)] == [1, None]


def test_log_entries_carry_the_correlation_id_of_the_request_that_caused_them(uow, client):
    consent = use_cases.grant(uow, grant_command(client), now=NOW)
    uow.correlation_id = "req-42"

    use_cases.check(uow, check_command(client), now=NOW)
    use_cases.record_disclosure(uow, disclosure_command(client, consent.id), now=NOW)

    assert [e.correlation_id for e in uow.disclosure_log.entries] == ["req-42", "req-42"]


def test_consents_ending_within_the_days_asked_are_told_per_client_and_withdrawn_ones_are_not(uow, client):
    other = str(uuid.uuid4())
    soon = use_cases.grant(uow, grant_command(client, valid_until=(NOW + 10 * DAY).isoformat()), now=NOW)
    use_cases.grant(uow, grant_command(client, valid_until=(NOW + 30 * DAY).isoformat()), now=NOW)
    use_cases.grant(uow, grant_command(client), now=NOW)  # open-ended
    withdrawn = use_cases.grant(uow, grant_command(other, valid_until=(NOW + DAY).isoformat()), now=NOW)
    use_cases.withdraw(uow, withdraw_command(withdrawn.id), now=NOW)
    query = load(schemas.EndingQuery, {"client_ids": [client, other], "within_days": 14})
    assert schemas.EndingOut(many=True).dump(use_cases.ending_soon(uow, query, now=NOW)) == [
        {"client_id": client, "consents_ending": 1, "first_ends_at": soon.valid_until.isoformat()},
        {"client_id": other, "consents_ending": 0, "first_ends_at": None}]
