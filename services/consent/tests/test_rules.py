"""The consent decision rules, as plain functions on plain values: no broker, no database."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from consent import rules
from consent.rules import AccessRequest, ConsentTerms, Decision, DenialTerms, Reason
from tiimi_shared.errors import Conflict, NotFound, ValidationError
from tiimi_shared.vocabulary import RepresentativeRelation

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
TICK = timedelta(microseconds=1)
DAY = timedelta(days=1)

HOME_CARE = "home-care"
HOSPITAL = "hospital"
HEALTH = "health"
SOCIAL = "social"
CARE_PLANNING = "care_planning"
RESEARCH = "research"


def consent(
    id: str = "c1",
    *,
    organisation: str = HOME_CARE,
    categories: tuple[str, ...] = (HEALTH,),
    purposes: tuple[str, ...] = (CARE_PLANNING,),
    valid_from: datetime = NOW - DAY,
    valid_until: datetime | None = NOW + DAY,
    professionals: tuple[str, ...] = (),
    withdrawn_at: datetime | None = None,
) -> ConsentTerms:
    return ConsentTerms(
        id=id, organisation=organisation, categories=frozenset(categories),
        purposes=frozenset(purposes), valid_from=valid_from, valid_until=valid_until,
        professionals=frozenset(professionals), withdrawn_at=withdrawn_at,
    )


def denial(
    id: str = "d1",
    *,
    organisation: str | None = HOME_CARE,
    categories: tuple[str, ...] = (HEALTH,),
    lifted_at: datetime | None = None,
) -> DenialTerms:
    return DenialTerms(id=id, organisation=organisation, categories=frozenset(categories),
                       lifted_at=lifted_at)


def request(
    *,
    organisation: str = HOME_CARE,
    category: str = HEALTH,
    purpose: str = CARE_PLANNING,
    professional: str | None = None,
) -> AccessRequest:
    return AccessRequest(organisation=organisation, category=category, purpose=purpose,
                         professional=professional)


def permit(consent_id: str) -> Decision:
    return Decision(True, Reason.PERMITTED, consent_id=consent_id)


def deny(reason: str, *, consent_id: str | None = None, denial_id: str | None = None) -> Decision:
    return Decision(False, reason, consent_id=consent_id, denial_id=denial_id)


# -- decide: the happy path and the shape of a decision ------------------------------------


def test_a_valid_matching_consent_permits_and_names_itself():
    decision = rules.decide([consent("c1")], [], request(), NOW)

    assert decision == permit("c1")
    assert decision.permitted is True
    assert decision.outcome == "permit"
    assert decision.denial_id is None


def test_a_deny_decision_reads_as_deny():
    decision = Decision.deny(Reason.NO_CONSENT)

    assert decision.permitted is False
    assert decision.outcome == "deny"
    assert decision.consent_id is None and decision.denial_id is None


def test_every_reason_code_has_words_for_the_report():
    codes = {Reason.PERMITTED, Reason.DENIED_BY_CLIENT, Reason.UNKNOWN_CLIENT, Reason.NO_CONSENT,
             Reason.NOT_YET_VALID, Reason.EXPIRED, Reason.WITHDRAWN, Reason.PROFESSIONAL_NOT_NAMED,
             Reason.MALFORMED_REQUEST, Reason.INTERNAL_ERROR, Reason.OWN_ORGANISATION,
             Reason.STATUTORY_BASIS, Reason.EMERGENCY_ACCESS}

    assert set(rules.REASONS) == codes
    assert all(rules.REASONS[code] for code in codes)


def test_decide_accepts_any_iterable_of_consents_and_denials():
    decision = rules.decide(iter([consent("c1")]), iter([denial(organisation=HOSPITAL)]),
                            request(), NOW)

    assert decision == permit("c1")


# -- decide: denials ------------------------------------------------------------------------


def test_denial_beats_a_valid_consent():
    decision = rules.decide([consent("c1")], [denial("d1")], request(), NOW)

    assert decision == deny(Reason.DENIED_BY_CLIENT, denial_id="d1")


def test_a_denial_for_all_organisations_beats_a_valid_consent():
    decision = rules.decide([consent("c1", organisation=HOSPITAL)],
                            [denial("d-all", organisation=None)],
                            request(organisation=HOSPITAL), NOW)

    assert decision == deny(Reason.DENIED_BY_CLIENT, denial_id="d-all")


def test_a_denial_of_another_organisation_does_not_stop_a_consent():
    decision = rules.decide([consent("c1")], [denial("d1", organisation=HOSPITAL)], request(), NOW)

    assert decision == permit("c1")


def test_a_denial_applies_only_to_its_categories():
    consents = [consent("c1", categories=(HEALTH, SOCIAL))]
    denials = [denial("d1", categories=(HEALTH,))]

    assert rules.decide(consents, denials, request(category=HEALTH), NOW) == deny(
        Reason.DENIED_BY_CLIENT, denial_id="d1")
    assert rules.decide(consents, denials, request(category=SOCIAL), NOW) == permit("c1")


def test_a_denial_for_all_organisations_applies_only_to_its_categories():
    consents = [consent("c1", categories=(HEALTH, SOCIAL))]
    denials = [denial("d1", organisation=None, categories=(SOCIAL,))]

    assert rules.decide(consents, denials, request(category=HEALTH), NOW) == permit("c1")
    assert rules.decide(consents, denials, request(category=SOCIAL), NOW) == deny(
        Reason.DENIED_BY_CLIENT, denial_id="d1")


def test_a_lifted_denial_no_longer_applies():
    decision = rules.decide([consent("c1")], [denial("d1", lifted_at=NOW - DAY)], request(), NOW)

    assert decision == permit("c1")


@pytest.mark.parametrize(("lifted_at", "denied"), [
    (NOW + TICK, True),   # still in force the moment before it is lifted
    (NOW, False),         # lifting is effective from the moment recorded
    (NOW - TICK, False),
])
def test_a_denial_applies_until_the_moment_it_is_lifted(lifted_at, denied):
    decision = rules.decide([consent("c1")], [denial("d1", lifted_at=lifted_at)], request(), NOW)

    expected = deny(Reason.DENIED_BY_CLIENT, denial_id="d1") if denied else permit("c1")
    assert decision == expected


def test_a_denial_is_reported_even_when_no_consent_exists():
    decision = rules.decide([], [denial("d1")], request(), NOW)

    assert decision == deny(Reason.DENIED_BY_CLIENT, denial_id="d1")


def test_a_denial_wins_over_a_consent_that_would_fail_anyway():
    decision = rules.decide([consent("c1", valid_until=NOW - DAY)], [denial("d1")], request(), NOW)

    assert decision == deny(Reason.DENIED_BY_CLIENT, denial_id="d1")


def test_the_first_covering_denial_is_named():
    denials = [denial("lifted", lifted_at=NOW - DAY), denial("other-org", organisation=HOSPITAL),
               denial("d-org"), denial("d-all", organisation=None)]

    decision = rules.decide([consent("c1")], denials, request(), NOW)

    assert decision == deny(Reason.DENIED_BY_CLIENT, denial_id="d-org")


# -- decide: unknown client and no matching consent ----------------------------------------


def test_a_client_with_no_consents_and_no_denials_is_unknown():
    assert rules.decide([], [], request(), NOW) == deny(Reason.UNKNOWN_CLIENT)


def test_a_client_with_only_a_lifted_denial_is_known_but_has_no_consent():
    decision = rules.decide([], [denial("d1", lifted_at=NOW - DAY)], request(), NOW)

    assert decision == deny(Reason.NO_CONSENT)


def test_a_client_with_only_a_denial_elsewhere_is_known_but_has_no_consent():
    decision = rules.decide([], [denial("d1", organisation=HOSPITAL)], request(), NOW)

    assert decision == deny(Reason.NO_CONSENT)


@pytest.mark.parametrize("asked", [
    pytest.param(request(organisation=HOSPITAL), id="other-organisation"),
    pytest.param(request(category=SOCIAL), id="other-category"),
    pytest.param(request(purpose=RESEARCH), id="other-purpose"),
])
def test_a_consent_that_does_not_match_gives_no_consent(asked):
    decision = rules.decide([consent("c1")], [], asked, NOW)

    assert decision == deny(Reason.NO_CONSENT)
    assert decision.consent_id is None


def test_a_non_matching_consent_reports_no_consent_even_when_it_is_also_out_of_time():
    decision = rules.decide([consent("c1", valid_until=NOW - DAY)], [], request(purpose=RESEARCH), NOW)

    assert decision == deny(Reason.NO_CONSENT)


def test_one_of_several_categories_and_purposes_is_enough():
    given = consent("c1", categories=(HEALTH, SOCIAL), purposes=(CARE_PLANNING, RESEARCH))

    assert rules.decide([given], [], request(category=SOCIAL, purpose=RESEARCH), NOW) == permit("c1")


def test_the_matching_consent_is_found_among_others():
    consents = [consent("hospital", organisation=HOSPITAL), consent("social", categories=(SOCIAL,)),
                consent("research", purposes=(RESEARCH,)), consent("match")]

    assert rules.decide(consents, [], request(), NOW) == permit("match")


# -- ConsentTerms.matches ------------------------------------------------------------------


@pytest.mark.parametrize(("asked", "matches"), [
    pytest.param(request(), True, id="same-everything"),
    pytest.param(request(professional="someone"), True, id="professional-ignored"),
    pytest.param(request(organisation=HOSPITAL), False, id="other-organisation"),
    pytest.param(request(category=SOCIAL), False, id="other-category"),
    pytest.param(request(purpose=RESEARCH), False, id="other-purpose"),
])
def test_a_consent_matches_only_its_organisation_category_and_purpose(asked, matches):
    assert consent(professionals=("anna",)).matches(asked) is matches


def test_matching_ignores_time():
    assert consent(valid_from=NOW + DAY, withdrawn_at=NOW - DAY).matches(request()) is True


# -- decide: named professionals ------------------------------------------------------------


def test_a_consent_narrowed_to_professionals_permits_a_named_one():
    given = consent("c1", professionals=("anna", "ben"))

    assert rules.decide([given], [], request(professional="ben"), NOW) == permit("c1")


@pytest.mark.parametrize("professional", ["carl", None])
def test_a_consent_narrowed_to_professionals_denies_anyone_else(professional):
    given = consent("c1", professionals=("anna", "ben"))

    decision = rules.decide([given], [], request(professional=professional), NOW)

    assert decision == deny(Reason.PROFESSIONAL_NOT_NAMED, consent_id="c1")


@pytest.mark.parametrize("professional", ["anna", None])
def test_a_consent_naming_no_professional_permits_any_or_none(professional):
    assert rules.decide([consent("c1")], [], request(professional=professional), NOW) == permit("c1")


def test_a_narrowed_consent_does_not_stop_an_open_one_from_permitting():
    consents = [consent("narrow", professionals=("anna",)), consent("open")]

    assert rules.decide(consents, [], request(professional="carl"), NOW) == permit("open")


# -- time edges -----------------------------------------------------------------------------


@pytest.mark.parametrize(("now", "expected"), [
    pytest.param(NOW - TICK, deny(Reason.NOT_YET_VALID, consent_id="c1"), id="a-tick-before-valid_from"),
    pytest.param(NOW, permit("c1"), id="exactly-at-valid_from"),
    pytest.param(NOW + TICK, permit("c1"), id="a-tick-after-valid_from"),
])
def test_valid_from_is_inclusive(now, expected):
    given = consent("c1", valid_from=NOW, valid_until=NOW + DAY)

    assert rules.decide([given], [], request(), now) == expected


@pytest.mark.parametrize(("now", "expected"), [
    pytest.param(NOW - TICK, permit("c1"), id="a-tick-before-valid_until"),
    pytest.param(NOW, deny(Reason.EXPIRED, consent_id="c1"), id="exactly-at-valid_until"),
    pytest.param(NOW + TICK, deny(Reason.EXPIRED, consent_id="c1"), id="a-tick-after-valid_until"),
])
def test_valid_until_is_exclusive(now, expected):
    given = consent("c1", valid_from=NOW - DAY, valid_until=NOW)

    assert rules.decide([given], [], request(), now) == expected


@pytest.mark.parametrize("now", [NOW, NOW + timedelta(days=365 * 50)])
def test_an_open_ended_consent_never_expires(now):
    given = consent("c1", valid_from=NOW, valid_until=None)

    assert rules.decide([given], [], request(), now) == permit("c1")


def test_an_open_ended_consent_is_still_not_valid_before_it_starts():
    given = consent("c1", valid_from=NOW, valid_until=None)

    assert rules.decide([given], [], request(), NOW - TICK) == deny(Reason.NOT_YET_VALID, consent_id="c1")


def test_the_same_instant_in_another_time_zone_is_the_same_edge():
    helsinki = timezone(timedelta(hours=3))
    given = consent("c1", valid_from=NOW.astimezone(helsinki), valid_until=(NOW + DAY).astimezone(helsinki))

    assert rules.decide([given], [], request(), NOW) == permit("c1")
    assert rules.decide([given], [], request(), NOW + DAY) == deny(Reason.EXPIRED, consent_id="c1")


# -- withdrawal -----------------------------------------------------------------------------


@pytest.mark.parametrize("withdrawn_at", [NOW, NOW - TICK, NOW - DAY])
def test_a_withdrawn_consent_denies_at_once(withdrawn_at):
    given = consent("c1", withdrawn_at=withdrawn_at)

    assert rules.decide([given], [], request(), NOW) == deny(Reason.WITHDRAWN, consent_id="c1")


def test_a_check_before_the_withdrawal_still_permits():
    given = consent("c1", withdrawn_at=NOW + TICK)

    assert rules.decide([given], [], request(), NOW) == permit("c1")


def test_withdrawal_is_reported_before_the_consent_being_out_of_time():
    not_started = consent("c1", valid_from=NOW + DAY, withdrawn_at=NOW - DAY)
    ended = consent("c2", valid_until=NOW - DAY, withdrawn_at=NOW - 2 * DAY)

    assert rules.decide([not_started], [], request(), NOW) == deny(Reason.WITHDRAWN, consent_id="c1")
    assert rules.decide([ended], [], request(), NOW) == deny(Reason.WITHDRAWN, consent_id="c2")


def test_a_withdrawn_consent_does_not_stop_another_valid_one():
    consents = [consent("old", withdrawn_at=NOW - DAY), consent("new")]

    assert rules.decide(consents, [], request(), NOW) == permit("new")


# -- ConsentTerms.fault -----------------------------------------------------------------------


@pytest.mark.parametrize(("given", "asked", "fault"), [
    pytest.param(consent(), request(), None, id="valid"),
    pytest.param(consent(valid_from=NOW), request(), None, id="at-valid_from"),
    pytest.param(consent(valid_from=NOW + TICK), request(), Reason.NOT_YET_VALID, id="before-valid_from"),
    pytest.param(consent(valid_until=NOW), request(), Reason.EXPIRED, id="at-valid_until"),
    pytest.param(consent(valid_until=NOW + TICK), request(), None, id="before-valid_until"),
    pytest.param(consent(valid_until=None), request(), None, id="open-ended"),
    pytest.param(consent(withdrawn_at=NOW), request(), Reason.WITHDRAWN, id="withdrawn-now"),
    pytest.param(consent(withdrawn_at=NOW + TICK), request(), None, id="withdrawn-later"),
    pytest.param(consent(professionals=("anna",)), request(professional="anna"), None, id="named"),
    pytest.param(consent(professionals=("anna",)), request(professional="ben"),
                 Reason.PROFESSIONAL_NOT_NAMED, id="not-named"),
    pytest.param(consent(professionals=("anna",)), request(), Reason.PROFESSIONAL_NOT_NAMED,
                 id="no-professional-asked"),
    pytest.param(consent(professionals=("anna",), valid_until=NOW), request(professional="ben"),
                 Reason.EXPIRED, id="time-before-professional"),
    pytest.param(consent(valid_from=NOW + DAY, valid_until=NOW + 2 * DAY, withdrawn_at=NOW),
                 request(), Reason.WITHDRAWN, id="withdrawal-before-time"),
])
def test_fault_names_why_a_consent_does_not_permit(given, asked, fault):
    assert given.fault(asked, NOW) == fault


# -- DenialTerms.covers ---------------------------------------------------------------------


@pytest.mark.parametrize(("given", "asked", "covers"), [
    pytest.param(denial(), request(), True, id="same-organisation-and-category"),
    pytest.param(denial(organisation=None), request(organisation=HOSPITAL), True, id="all-organisations"),
    pytest.param(denial(), request(organisation=HOSPITAL), False, id="other-organisation"),
    pytest.param(denial(), request(category=SOCIAL), False, id="other-category"),
    pytest.param(denial(organisation=None), request(category=SOCIAL), False,
                 id="all-organisations-other-category"),
    pytest.param(denial(), request(purpose=RESEARCH, professional="anna"), True,
                 id="any-purpose-and-professional"),
    pytest.param(denial(categories=()), request(), False, id="no-categories"),
    pytest.param(denial(lifted_at=NOW + TICK), request(), True, id="lifted-later"),
    pytest.param(denial(lifted_at=NOW), request(), False, id="lifted-now"),
    pytest.param(denial(lifted_at=NOW - DAY), request(), False, id="lifted-earlier"),
])
def test_a_denial_covers_its_organisation_and_categories_until_lifted(given, asked, covers):
    assert given.covers(asked, NOW) is covers


# -- decide: choosing the basis among several valid consents --------------------------------


def test_the_basis_is_the_consent_valid_longest():
    consents = [consent("short", valid_until=NOW + DAY), consent("long", valid_until=NOW + 30 * DAY),
                consent("middle", valid_until=NOW + 7 * DAY)]

    assert rules.decide(consents, [], request(), NOW) == permit("long")


def test_an_open_ended_consent_is_the_basis_over_any_dated_one():
    consents = [consent("dated", valid_until=NOW + timedelta(days=365 * 100)),
                consent("open", valid_until=None),
                consent("dated-too", valid_until=NOW + DAY)]

    assert rules.decide(consents, [], request(), NOW) == permit("open")


def test_among_consents_ending_together_the_newest_is_the_basis():
    consents = [consent("older", valid_from=NOW - 10 * DAY), consent("newer", valid_from=NOW - DAY),
                consent("oldest", valid_from=NOW - 20 * DAY)]

    assert rules.decide(consents, [], request(), NOW) == permit("newer")


def test_among_open_ended_consents_the_newest_is_the_basis():
    consents = [consent("older", valid_from=NOW - 10 * DAY, valid_until=None),
                consent("newer", valid_from=NOW - DAY, valid_until=None)]

    assert rules.decide(consents, [], request(), NOW) == permit("newer")


def test_a_consent_that_lasts_longer_but_is_not_valid_now_is_not_the_basis():
    consents = [consent("valid", valid_until=NOW + DAY),
                consent("not-yet", valid_from=NOW + DAY, valid_until=None),
                consent("withdrawn", valid_until=None, withdrawn_at=NOW - DAY),
                consent("other-professional", valid_until=None, professionals=("anna",))]

    assert rules.decide(consents, [], request(professional="ben"), NOW) == permit("valid")


# -- decide: which fault is reported when every matching consent fails ---------------------


def test_the_fault_order_runs_from_closest_to_a_permit():
    assert rules._FAULT_ORDER == (Reason.PROFESSIONAL_NOT_NAMED, Reason.NOT_YET_VALID,
                                  Reason.EXPIRED, Reason.WITHDRAWN)


FAILING = {
    Reason.PROFESSIONAL_NOT_NAMED: consent("c-named", professionals=("anna",)),
    Reason.NOT_YET_VALID: consent("c-not-yet", valid_from=NOW + DAY, valid_until=None),
    Reason.EXPIRED: consent("c-expired", valid_until=NOW - DAY),
    Reason.WITHDRAWN: consent("c-withdrawn", withdrawn_at=NOW - DAY),
}


@pytest.mark.parametrize("reason", list(FAILING))
def test_each_failing_consent_alone_is_reported_with_its_own_fault(reason):
    failing = FAILING[reason]

    decision = rules.decide([failing], [], request(professional="ben"), NOW)

    assert decision == deny(reason, consent_id=failing.id)


@pytest.mark.parametrize("first", range(len(rules._FAULT_ORDER)))
def test_the_highest_priority_fault_is_reported_whatever_the_order(first):
    present = rules._FAULT_ORDER[first:]
    expected = FAILING[present[0]]

    for consents in ([FAILING[r] for r in present], [FAILING[r] for r in reversed(present)]):
        decision = rules.decide(consents, [], request(professional="ben"), NOW)

        assert decision == deny(present[0], consent_id=expected.id)


@pytest.mark.parametrize(("pair", "winner"), [
    ((Reason.WITHDRAWN, Reason.EXPIRED), Reason.EXPIRED),
    ((Reason.WITHDRAWN, Reason.NOT_YET_VALID), Reason.NOT_YET_VALID),
    ((Reason.EXPIRED, Reason.NOT_YET_VALID), Reason.NOT_YET_VALID),
    ((Reason.WITHDRAWN, Reason.PROFESSIONAL_NOT_NAMED), Reason.PROFESSIONAL_NOT_NAMED),
    ((Reason.EXPIRED, Reason.PROFESSIONAL_NOT_NAMED), Reason.PROFESSIONAL_NOT_NAMED),
])
def test_of_two_failing_consents_the_one_closer_to_a_permit_is_reported(pair, winner):
    consents = [FAILING[reason] for reason in pair]

    decision = rules.decide(consents, [], request(professional="ben"), NOW)

    assert decision == deny(winner, consent_id=FAILING[winner].id)


def test_a_failing_consent_that_does_not_match_is_not_reported():
    consents = [consent("expired", valid_until=NOW - DAY),
                consent("elsewhere-named", organisation=HOSPITAL, professionals=("anna",))]

    decision = rules.decide(consents, [], request(professional="ben"), NOW)

    assert decision == deny(Reason.EXPIRED, consent_id="expired")


# -- decide_disclosure: one named consent ---------------------------------------------------


def test_a_disclosure_under_a_valid_consent_is_permitted():
    assert rules.decide_disclosure(consent("c1"), [], request(), NOW) == permit("c1")


@pytest.mark.parametrize("organisation", [HOME_CARE, None])
def test_a_disclosure_is_denied_by_a_covering_denial_naming_both(organisation):
    decision = rules.decide_disclosure(consent("c1"), [denial("d1", organisation=organisation)],
                                       request(), NOW)

    assert decision == deny(Reason.DENIED_BY_CLIENT, consent_id="c1", denial_id="d1")


@pytest.mark.parametrize("given", [
    pytest.param(denial("d1", organisation=HOSPITAL), id="other-organisation"),
    pytest.param(denial("d1", categories=(SOCIAL,)), id="other-category"),
    pytest.param(denial("d1", lifted_at=NOW), id="lifted"),
])
def test_a_disclosure_is_not_stopped_by_a_denial_that_does_not_cover_it(given):
    assert rules.decide_disclosure(consent("c1"), [given], request(), NOW) == permit("c1")


def test_a_disclosure_denial_beats_a_consent_that_would_fail_anyway():
    decision = rules.decide_disclosure(consent("c1", withdrawn_at=NOW - DAY), [denial("d1")],
                                       request(), NOW)

    assert decision == deny(Reason.DENIED_BY_CLIENT, consent_id="c1", denial_id="d1")


@pytest.mark.parametrize("asked", [
    pytest.param(request(organisation=HOSPITAL), id="other-organisation"),
    pytest.param(request(category=SOCIAL), id="other-category"),
    pytest.param(request(purpose=RESEARCH), id="other-purpose"),
])
def test_a_disclosure_outside_the_consent_is_denied_as_no_consent(asked):
    decision = rules.decide_disclosure(consent("c1"), [], asked, NOW)

    assert decision == deny(Reason.NO_CONSENT, consent_id="c1")


@pytest.mark.parametrize(("given", "asked", "reason"), [
    pytest.param(consent("c1", withdrawn_at=NOW), request(), Reason.WITHDRAWN, id="withdrawn"),
    pytest.param(consent("c1", valid_from=NOW + TICK), request(), Reason.NOT_YET_VALID, id="not-yet-valid"),
    pytest.param(consent("c1", valid_until=NOW), request(), Reason.EXPIRED, id="expired"),
    pytest.param(consent("c1", professionals=("anna",)), request(professional="ben"),
                 Reason.PROFESSIONAL_NOT_NAMED, id="other-professional"),
])
def test_a_disclosure_under_a_consent_that_does_not_permit_now_names_the_fault(given, asked, reason):
    assert rules.decide_disclosure(given, [], asked, NOW) == deny(reason, consent_id="c1")


# -- grant_problems -------------------------------------------------------------------------


def grant(**overrides) -> dict[str, list[str]]:
    terms = {"given_by": "client", "relation": None, "valid_from": NOW,
             "valid_until": NOW + DAY, "now": NOW} | overrides
    return rules.grant_problems(**terms)


@pytest.mark.parametrize("terms", [
    pytest.param({}, id="client-dated"),
    pytest.param({"valid_until": None}, id="client-open-ended"),
    pytest.param({"valid_from": NOW - DAY}, id="started-in-the-past"),
    pytest.param({"valid_from": NOW + DAY, "valid_until": NOW + 2 * DAY}, id="starts-later"),
    pytest.param({"valid_until": NOW + TICK}, id="ends-a-tick-from-now"),
    *(pytest.param({"given_by": "legal_representative", "relation": relation}, id=relation)
      for relation in list(RepresentativeRelation)),
])
def test_a_good_grant_has_no_problems(terms):
    assert grant(**terms) == {}


@pytest.mark.parametrize("relation", [None, ""])
def test_a_legal_representative_must_give_their_relation(relation):
    problems = grant(given_by="legal_representative", relation=relation)

    assert problems == {"given_by.relation": ["a legal representative's relation to the client is required"]}


@pytest.mark.parametrize("relation", list(RepresentativeRelation))
def test_a_client_consenting_for_themselves_has_no_relation(relation):
    problems = grant(given_by="client", relation=relation)

    assert problems == {"given_by.relation": ["only a legal representative has a relation"]}


@pytest.mark.parametrize("valid_until", [NOW, NOW - TICK, NOW - DAY])
def test_a_consent_must_end_after_it_starts(valid_until):
    problems = grant(valid_from=NOW, valid_until=valid_until, now=NOW - DAY)

    assert problems == {"valid_until": ["must be after valid_from"]}


@pytest.mark.parametrize("valid_until", [NOW, NOW - TICK])
def test_a_consent_that_has_already_ended_cannot_be_granted(valid_until):
    problems = grant(valid_from=NOW - DAY, valid_until=valid_until, now=NOW)

    assert problems == {"valid_until": ["must be in the future; an ended consent cannot be granted"]}


def test_a_reversed_period_is_reported_once_even_when_it_is_also_in_the_past():
    problems = grant(valid_from=NOW - DAY, valid_until=NOW - 2 * DAY, now=NOW)

    assert problems == {"valid_until": ["must be after valid_from"]}


def test_problems_with_the_giver_and_the_period_are_reported_together():
    problems = grant(given_by="legal_representative", relation=None,
                     valid_from=NOW, valid_until=NOW - DAY)

    assert set(problems) == {"given_by.relation", "valid_until"}


# -- is_due_to_expire -----------------------------------------------------------------------


@pytest.mark.parametrize(("given", "due"), [
    pytest.param(consent(valid_until=NOW), True, id="at-valid_until"),
    pytest.param(consent(valid_until=NOW - DAY), True, id="after-valid_until"),
    pytest.param(consent(valid_until=NOW + TICK), False, id="before-valid_until"),
    pytest.param(consent(valid_until=None), False, id="open-ended"),
    pytest.param(consent(valid_until=None, valid_from=NOW - timedelta(days=365 * 50)), False,
                 id="open-ended-and-old"),
    pytest.param(consent(valid_until=NOW - DAY, withdrawn_at=NOW - 2 * DAY), False,
                 id="withdrawn-then-ended"),
    pytest.param(consent(valid_until=NOW, withdrawn_at=NOW - TICK), False, id="withdrawn-at-the-edge"),
])
def test_only_an_ended_consent_not_withdrawn_is_due_to_expire(given, due):
    assert rules.is_due_to_expire(given, NOW) is due


def test_a_consent_is_due_to_expire_exactly_when_decide_starts_calling_it_expired():
    given = consent("c1", valid_until=NOW)

    for now, due in ((NOW - TICK, False), (NOW, True)):
        assert rules.is_due_to_expire(given, now) is due
        assert (rules.decide([given], [], request(), now).reason == Reason.EXPIRED) is due


# -- transitions: grant, withdraw, expire, lift ----------------------------------------------


def test_a_grant_without_a_start_is_valid_from_now_and_active():
    granted = rules.grant(given_by="client", relation=None, valid_from=None, valid_until=None, now=NOW)

    assert (granted.valid_from, granted.valid_until) == (NOW, None)
    assert granted.status == rules.ConsentStatus.ACTIVE


def test_a_grant_that_has_already_ended_is_refused_naming_the_field():
    with pytest.raises(ValidationError) as refused:
        rules.grant(given_by="client", relation=None, valid_from=None, valid_until=NOW, now=NOW)

    assert list(refused.value.errors) == ["valid_until"]


def test_withdrawing_an_active_consent_takes_effect_now():
    withdrawal = rules.withdraw("active", by="anna", reason="asked", now=NOW)

    assert withdrawal == rules.Withdrawal(withdrawn_at=NOW, withdrawn_by="anna", reason="asked")
    assert withdrawal.status == rules.ConsentStatus.WITHDRAWN


@pytest.mark.parametrize("status", [rules.ConsentStatus.WITHDRAWN, rules.ConsentStatus.EXPIRED])
def test_only_an_active_consent_can_be_withdrawn(status):
    with pytest.raises(Conflict) as conflict:
        rules.withdraw(status, by="anna", reason="asked", now=NOW)

    assert (conflict.value.current_state, conflict.value.allowed) == (status, [])


def test_an_active_consent_past_its_end_expires_now():
    expiry = rules.expire("active", consent(valid_until=NOW), NOW)

    assert expiry == rules.Expiry(expired_at=NOW)
    assert expiry.status == rules.ConsentStatus.EXPIRED


@pytest.mark.parametrize(("status", "given"), [
    pytest.param("active", consent(valid_until=NOW + TICK), id="not-ended"),
    pytest.param("withdrawn", consent(valid_until=NOW - DAY), id="withdrawn-status"),
    pytest.param("expired", consent(valid_until=NOW - DAY), id="already-expired"),
])
def test_a_consent_not_active_or_not_ended_does_not_expire(status, given):
    assert rules.expire(status, given, NOW) is None


def test_lifting_a_denial_in_force_takes_effect_now():
    assert rules.lift_denial(None, by="anna", reason="ok", now=NOW) == rules.Lifting(
        lifted_at=NOW, lifted_by="anna", reason="ok")


def test_a_denial_is_lifted_only_once():
    with pytest.raises(Conflict) as conflict:
        rules.lift_denial(NOW - DAY, by="anna", reason="again", now=NOW)

    assert conflict.value.current_state == rules.DenialStatus.LIFTED


def test_a_denial_is_in_force_until_lifted():
    assert [rules.denial_status(None), rules.denial_status(NOW)] == [
        rules.DenialStatus.IN_FORCE, rules.DenialStatus.LIFTED]


# -- permit_disclosure: the guard before a disclosure is logged ------------------------------


def test_a_permitted_disclosure_returns_its_permit():
    decision = rules.permit_disclosure(consent("c1"), consent_client_id="k1", client_id="k1",
                                       denials=[], request=request(), now=NOW)

    assert decision == permit("c1")


def test_a_disclosure_under_another_clients_consent_is_not_found():
    with pytest.raises(NotFound):
        rules.permit_disclosure(consent("c1"), consent_client_id="k1", client_id="k2",
                                denials=[], request=request(), now=NOW)


def test_a_disclosure_that_is_not_permitted_is_a_conflict_naming_the_reason():
    with pytest.raises(Conflict) as conflict:
        rules.permit_disclosure(consent("c1"), consent_client_id="k1", client_id="k1",
                                denials=[denial("d1")], request=request(), now=NOW)

    assert conflict.value.current_state == Reason.DENIED_BY_CLIENT


# -- the answers that need no consent --------------------------------------------------------


def test_a_malformed_request_and_an_undecided_check_are_denies():
    assert rules.malformed_request() == deny(Reason.MALFORMED_REQUEST)
    assert rules.undecided() == deny(Reason.INTERNAL_ERROR)


def test_a_read_by_the_data_holding_organisation_is_a_permit_of_its_own_kind():
    assert rules.own_organisation_read() == Decision(True, Reason.OWN_ORGANISATION)


def test_consents_ending_soon_are_counted_per_client_with_the_first_end_in_the_order_asked():
    day = timedelta(days=1)
    ends = [("a", NOW + 3 * day), ("a", NOW + 14 * day), ("a", NOW + 15 * day),  # the last: not yet
            ("b", NOW), ("b", NOW - day)]                                         # already ended: no
    assert rules.ending_soon(["b", "a", "c"], ends, NOW, 14 * day) == [
        rules.Ending("b"), rules.Ending("a", 2, NOW + 3 * day), rules.Ending("c")]
