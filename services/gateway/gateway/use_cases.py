"""What the gateway does for a request the access policy governs: ask the services, let the rules decide.

Each function takes the services behind the gateway as ports: objects whose
methods are that service's RPC methods (in the service, proxies that wait a
limited time; in tests, ``tiimi_shared.testing.fakes.FakeService``). The rules
raise Forbidden or NotFound before anything is changed or shown.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, Protocol

from gateway import rules
from gateway.auth import Principal
from gateway.fhir.audit import audit_events, disclosure_notifications
from gateway.fhir.careteam import care_team
from gateway.fhir.consent import consents as consent_resources
from gateway.fhir.elements import Resource
from gateway.fhir.referral import task
from tiimi_shared.errors import Forbidden
from tiimi_shared.vocabulary import Category, ReferralStatus

# What a service answered, passed on as it came: JSON-like data the gateway does not reshape.
Answer = Any


class Remote(Protocol):
    """A service behind the gateway: each attribute is one of its RPC methods, called with keywords."""

    def __getattr__(self, method: str) -> Callable[..., Any]: ...


def one_after_another(*calls: Callable[[], Any]) -> list[Any]:
    """Each call in turn, their answers in order: what ``Services.together`` does unless told better."""
    return [call() for call in calls]


@dataclass(frozen=True)
class Services:
    team: Remote
    consent: Remote
    referral: Remote
    notify: Remote
    # Calls that do not depend on each other, answered in order; the service runs them at once.
    together: Callable[..., list[Any]] = one_after_another


# -- reading client data ------------------------------------------------------------------


def read_client_data(services: Services, principal: Principal, client_id: str,
                     categories: Collection[Category], fetch: Callable[[], Answer] | None = None) -> Answer:
    """The client's team, or what ``fetch`` answers, once the read is allowed and logged.

    Two calls in turn, and nothing remembered between requests, so that a member removed or a
    consent withdrawn is in force for the very next read: the team, which says whether the caller
    may read at all; then one call to consent that logs the read, at home as accesses, elsewhere as
    disclosures that consent decides and logs in one transaction, refusing the read unless it permits
    every category. ``fetch`` (the page's own data) is asked beside that call and shown only if the
    read is allowed.
    """
    team = services.team.get_team(client_id=client_id)
    try:
        read = rules.read(principal, team, categories)
    except Forbidden:
        return _read_in_emergency(services, principal, client_id, team, categories, fetch)
    requests = list(read.requests)

    def log_the_read() -> None:
        if read.at_home:
            services.consent.record_accesses(client_id=client_id, requests=requests)
        else:
            rules.require_disclosed(read, services.consent.disclose(client_id=client_id, requests=requests))

    if fetch is None:
        log_the_read()
        return team
    _, answer = services.together(log_the_read, fetch)
    return answer


def _read_in_emergency(services: Services, principal: Principal, client_id: str, team: Answer,
                       categories: Collection[Category], fetch: Callable[[], Answer] | None) -> Answer:
    """A read by someone outside the team: only within their own open emergency access, each read logged
    as emergency access (refused, and nothing shown, once the window has ended)."""
    access = services.consent.emergency_access(client_id=client_id, professional=principal.subject)["access"]
    requests = list(rules.emergency_read(principal, access, categories))

    def log_the_read() -> None:
        services.consent.record_emergency_reads(access_id=access["id"], client_id=client_id,
                                                holder_organisation=team["organisation"], requests=requests)

    if fetch is None:
        log_the_read()
        return team
    _, answer = services.together(log_the_read, fetch)
    return answer


def my_clients(services: Services, principal: Principal) -> Answer:
    """The caller's teams, with names where the rules allow and what needs the key worker.

    Each service is asked once for all the clients, so a long list costs three calls, not three a client.
    """
    involvements = services.team.my_clients(professional_id=principal.subject)
    keyed = rules.key_worker_clients(involvements)
    attention, ending = [], []
    if keyed:
        within_days = rules.CONSENT_ENDING_WITHIN_DAYS
        attention, ending = services.together(
            lambda: services.referral.attention_for(client_ids=keyed, organisation=principal.organisation),
            lambda: services.consent.ending_soon(client_ids=keyed, within_days=within_days))
    return rules.my_clients(principal, involvements, attention, ending)


def find_client(services: Services, principal: Principal, query: dict[str, Any]) -> Answer:
    client = services.team.find_client(**query)
    with rules.unknown_unless_yours():
        read_client_data(services, principal, client["id"], rules.CLIENT_PAGE)
    return client


def get_client(services: Services, principal: Principal, client_id: str) -> Answer:
    return read_client_data(services, principal, client_id, rules.CLIENT_PAGE,
                            fetch=lambda: services.team.get_client(client_id=client_id))


def reveal_identity_code(services: Services, principal: Principal, client_id: str,
                         because: dict[str, Any]) -> Answer:
    """The one answer with the code: refused before anything is logged unless the caller may see it."""
    read = rules.identity_code_read(principal, services.team.get_team(client_id=client_id))
    for request in read.requests:
        services.consent.record_access(client_id=client_id, **request)
    return services.team.reveal_personal_identity_code(client_id=client_id, requested_by=principal.subject,
                                                       **because)


def identity_code_reveals(services: Services, principal: Principal, client_id: str) -> Answer:
    _as_key_worker_of_client(services, principal, client_id)
    return services.team.identity_code_reveals(client_id=client_id)


def get_team(services: Services, principal: Principal, client_id: str) -> Answer:
    return read_client_data(services, principal, client_id, rules.TEAM_PAGE)


def client_referrals(services: Services, principal: Principal, client_id: str) -> Answer:
    return read_client_data(
        services, principal, client_id, rules.CLIENT_PAGE,
        fetch=lambda: services.referral.referrals_of_client(client_id=client_id,
                                                            organisation=principal.organisation))


# -- consents and denials: the client's key worker's --------------------------------------


def _as_key_worker_of_client(services: Services, principal: Principal, client_id: str) -> None:
    rules.require_key_worker_of_client(principal, services.team.get_team(client_id=client_id))


def list_consents(services: Services, principal: Principal, client_id: str) -> Answer:
    _as_key_worker_of_client(services, principal, client_id)
    return services.consent.list_consents(client_id=client_id)


def grant(services: Services, principal: Principal, client_id: str, consent: dict[str, Any]) -> Answer:
    _as_key_worker_of_client(services, principal, client_id)
    return services.consent.grant(client_id=client_id, **consent, recorded_by=principal.subject)


def withdraw(services: Services, principal: Principal, client_id: str, consent_id: str,
             because: dict[str, Any]) -> Answer:
    _as_key_worker_of_client(services, principal, client_id)
    consents = services.consent.list_consents(client_id=client_id)["consents"]
    rules.require_listed(consents, consent_id, "consent")
    return services.consent.withdraw(consent_id=consent_id, withdrawn_by=principal.subject, **because)


def deny(services: Services, principal: Principal, client_id: str, denial: dict[str, Any]) -> Answer:
    _as_key_worker_of_client(services, principal, client_id)
    return services.consent.deny(client_id=client_id, **denial, recorded_by=principal.subject)


def lift_denial(services: Services, principal: Principal, client_id: str, denial_id: str,
                because: dict[str, Any]) -> Answer:
    _as_key_worker_of_client(services, principal, client_id)
    denials = services.consent.list_consents(client_id=client_id)["denials"]
    rules.require_listed(denials, denial_id, "denial")
    return services.consent.lift_denial(denial_id=denial_id, lifted_by=principal.subject, **because)


def disclosure_report(services: Services, principal: Principal, client_id: str) -> Answer:
    _as_key_worker_of_client(services, principal, client_id)
    return services.consent.disclosure_report(client_id=client_id)


# -- disclosure on a statutory basis: the organisation that holds the data ------------------


def record_statutory_disclosure(services: Services, principal: Principal, client_id: str,
                                disclosure: dict[str, Any]) -> Answer:
    """Record data given out without consent; consent checks it against the basis and tells the key worker."""
    team = services.team.get_team(client_id=client_id)
    rules.require_holder_of_data(principal, team)
    return services.consent.record_statutory_disclosure(
        client_id=client_id, **disclosure, professional=principal.subject,
        organisation=principal.organisation, key_worker_id=team["key_worker"]["professional_id"])


def legal_bases(services: Services) -> Answer:
    return services.consent.list_legal_bases()


# -- emergency access (break the glass) ----------------------------------------------------


def open_emergency_access(services: Services, principal: Principal, client_id: str,
                          opening: dict[str, Any]) -> Answer:
    """A professional outside the client's team opens the client's data for a while; the key worker is
    told."""
    team = services.team.get_team(client_id=client_id)
    rules.require_outside_team(principal, team)
    return services.consent.open_emergency_access(
        client_id=client_id, **opening, professional=principal.subject, organisation=principal.organisation,
        key_worker_id=team["key_worker"]["professional_id"])


def emergency_accesses(services: Services, principal: Principal, officers: Collection[str]) -> Answer:
    rules.require_data_protection_officer(principal, officers)
    return services.consent.emergency_accesses()


def review_emergency_access(services: Services, principal: Principal, officers: Collection[str],
                            access_id: str) -> Answer:
    rules.require_data_protection_officer(principal, officers)
    return services.consent.review_emergency_access(access_id=access_id, reviewed_by=principal.subject)


# -- teams: made by the client's registrar, changed by the key worker ---------------------


def create_team(services: Services, principal: Principal, request: dict[str, Any]) -> Answer:
    client = services.team.get_client(client_id=str(request["client_id"]))
    rules.require_registrar(principal, client)
    return services.team.create_team(
        client_id=client["id"], organisation=principal.organisation, created_by=principal.subject,
        key_worker=rules.founding_key_worker(principal, request["name"], request["role"]))


def _as_key_worker_of_team(services: Services, principal: Principal, team_id: str) -> None:
    rules.require_key_worker_of_team(principal, services.team.get_team(team_id=team_id))


def add_member(services: Services, principal: Principal, team_id: str, member: dict[str, Any]) -> Answer:
    _as_key_worker_of_team(services, principal, team_id)
    return services.team.add_member(team_id=team_id, added_by=principal.subject, **member)


def remove_member(services: Services, principal: Principal, team_id: str, member_id: str,
                  because: dict[str, Any]) -> Answer:
    _as_key_worker_of_team(services, principal, team_id)
    return services.team.remove_member(team_id=team_id, member_id=member_id, removed_by=principal.subject,
                                       **because)


def hand_over(services: Services, principal: Principal, team_id: str, handover: dict[str, Any]) -> Answer:
    _as_key_worker_of_team(services, principal, team_id)
    return services.team.hand_over(team_id=team_id, changed_by=principal.subject, **handover)


def change_team_status(services: Services, principal: Principal, team_id: str,
                       change: dict[str, Any]) -> Answer:
    _as_key_worker_of_team(services, principal, team_id)
    return services.team.change_team_status(team_id=team_id, changed_by=principal.subject, **change)


# -- referrals ----------------------------------------------------------------------------


def create_referral(services: Services, principal: Principal, draft: dict[str, Any]) -> Answer:
    """A referral is drafted by a member of the client's team, on behalf of their organisation."""
    client_id = str(draft["client_id"])
    rules.standing(principal, services.team.get_team(client_id=client_id))
    return services.referral.create_referral(**draft | {
        "client_id": client_id, "requesting_organisation": principal.organisation,
        "requested_by": principal.subject})


def change_referral(services: Services, principal: Principal, referral_id: str, status: ReferralStatus,
                    **details: Any) -> Answer:
    """The referral service decides whether the caller's organisation may make this change."""
    return services.referral.change_status(referral_id=referral_id, status=status,
                                           by=rules.acting_party(principal), **details)


def answer_referral(services: Services, principal: Principal, referral_id: str, answer: str,
                    details: dict[str, Any]) -> Answer:
    return change_referral(services, principal, referral_id, rules.answer_status(answer), **details)


# -- FHIR: the same reads and the same answer, as FHIR resources ----------------------------
#
# Each asks what the JSON route asks, through the use case above, so the same membership, consent
# and logging rules apply; the mapping to FHIR is ``gateway.fhir``'s. The personal identity code
# goes into a resource only when the request gives a reason for it (``because``) and the reveal's
# own rule lets the caller have it: then it is revealed, and recorded, exactly as the reveal is.


def _code_for(services: Services, principal: Principal, client_id: str,
              because: dict[str, Any] | None) -> dict[str, Any]:
    """The mapping's keywords for the identity code: none unless asked for and revealed."""
    if because is None:
        return {}
    revealed = reveal_identity_code(services, principal, client_id, because)
    return {"personal_identity_code": revealed["personal_identity_code"], "may_see_code": True}


def fhir_care_team(services: Services, principal: Principal, client_id: str,
                   because: dict[str, Any] | None = None) -> list[Resource]:
    team = get_team(services, principal, client_id)
    return [care_team(team, **_code_for(services, principal, client_id, because))]


def fhir_consents(services: Services, principal: Principal, client_id: str,
                  because: dict[str, Any] | None = None) -> list[Resource]:
    answer = list_consents(services, principal, client_id)
    return consent_resources(answer, **_code_for(services, principal, client_id, because))


def fhir_audit_events(services: Services, principal: Principal, client_id: str,
                      because: dict[str, Any] | None = None) -> list[Resource]:
    report = disclosure_report(services, principal, client_id)
    return audit_events(report, **_code_for(services, principal, client_id, because))


def fhir_referral(services: Services, principal: Principal, referral_id: str,
                  as_resource: Callable[..., Resource], because: dict[str, Any] | None = None) -> Resource:
    """A referral as ``as_resource`` makes it (``referral.task`` or ``referral.service_request``), as the
    caller's organisation may see it: the referral service answers only a side of the referral."""
    found = services.referral.get_referral(referral_id=referral_id, organisation=principal.organisation)
    return as_resource(found, **_code_for(services, principal, found["client_id"], because))


def fhir_open_tasks(services: Services, principal: Principal, owner: str) -> list[Resource]:
    """The open referrals addressed to the caller's organisation, each as its Task; another's are not
    the caller's to list. The list holds no history, so each referral is asked for at once."""
    rules.require_own_organisation(principal, owner)
    found = services.referral.open_referrals(organisation=principal.organisation, direction="incoming")
    referrals = services.together(*[
        functools.partial(services.referral.get_referral, referral_id=each["id"],
                          organisation=principal.organisation) for each in found])
    return [task(each) for each in referrals]


def fhir_answer_task(services: Services, principal: Principal, referral_id: str,
                     change: dict[str, Any]) -> Resource:
    """A partner's Task update, read by ``referral.change_from_task``, made as every other answer is."""
    details = {key: value for key, value in change.items() if key != "status"}
    answered = change_referral(services, principal, referral_id, change["status"], **details)
    return task(answered)


def fhir_disclosure_notifications(services: Services, principal: Principal, client_id: str, *, start: str,
                                  end: str, notified_at: str, because: dict[str, Any] | None = None
                                  ) -> list[Resource]:
    """The client's disclosures to other controllers in [start, end), as the key worker may read the
    disclosure report; the controller that notifies is the organisation that holds the client's team."""
    team = services.team.get_team(client_id=client_id)
    rules.require_key_worker_of_client(principal, team)
    report = services.consent.disclosure_report(client_id=client_id)
    return disclosure_notifications(report, controller=team["organisation"], start=start, end=end,
                                          notified_at=notified_at,
                                          **_code_for(services, principal, client_id, because))
