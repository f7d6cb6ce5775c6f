"""The HTTP door for key workers and partners: authenticate, authorise each object, ask over RPC.

Every route takes a bearer JWT (except health and the OpenAPI document),
checks what the caller may do with the object it names, then calls the
service behind it. Who may do what is decided in ``gateway.rules``; the
requests it governs are told in ``gateway.use_cases``. This module only reads
the request, hands it on and answers, with problem details on any error.
"""
from __future__ import annotations

import functools
import importlib.metadata
import json
import os
from collections.abc import Callable
from typing import Any

from marshmallow import Schema
from nameko.extensions import DependencyProvider
from nameko.rpc import RpcProxy
from nameko.web.handlers import http
from werkzeug.wrappers import Request, Response

from gateway import idempotency, openapi, problems, rules, schemas, use_cases
from gateway.auth import Kind, Principal, TokenVerifier
from gateway.fhir import bundles, capability, referral, search, validate
from gateway.fhir.elements import Resource
from gateway.idempotency import Keyed, RequestKey
from gateway.openapi import Route
from gateway.use_cases import Answer, Services
from gateway.webapp import WebApp
from tiimi_shared.broker import broker_problem
from tiimi_shared.clock import wall_clock
from tiimi_shared.correlation import Correlation
from tiimi_shared.entrypoints import rpc
from tiimi_shared.operations import Operations
from tiimi_shared.rpc import at_once, call
from tiimi_shared.schemas import load
from tiimi_shared.vocabulary import ReferralStatus

DEFAULT_MAX_BODY = 64 * 1024
FHIR_JSON = "application/fhir+json"
# A FHIR read carries the client's personal identity code only when this header gives the reason,
# and the reveal's rule lets the caller have it; the reveal is then recorded as the reveal route's is.
IDENTITY_CODE_REASON = schemas.IDENTITY_CODE_REASON
try:
    VERSION = importlib.metadata.version("tiimi-gateway")
except importlib.metadata.PackageNotFoundError:  # run from the source tree without installing
    VERSION = "unknown"

# An entrypoint as written below: (service, caller, checked body, path parameters) -> answer.
Entrypoint = Callable[..., Any]

ROUTES: list[Route] = []
# The routes every token takes: a professional's and a partner desk's.
EVERY_KIND = tuple(Kind)


def route(method: str, path: str, summary: str, *, tag: str, answer: type[Schema], many: bool = False,
          who: Kind | tuple[Kind, ...] | None = Kind.PROFESSIONAL, body: type[Schema] | None = None,
          status: int = 200) -> Callable[[Entrypoint], Entrypoint]:
    """An HTTP entrypoint with authentication, body checks and problem details, listed for OpenAPI.

    ``answer`` describes what a success answers (a list of them if ``many``), for the document only.
    """
    params = tuple(part[1:-1].split(":")[-1] for part in path.split("/") if part.startswith("<"))
    ROUTES.append(Route(method, path, summary, tag, who, body, status, params, answer, many))

    def decorate(function: Entrypoint) -> Entrypoint:
        @functools.wraps(function)
        def handler(self: GatewayService, request: Request, **kwargs: str) -> Response:
            keyed: dict[str, str] = {}
            try:
                principal, keyed = self._caller(request, who, method)
                payload = self._body(request, body) if body is not None else None
                result = function(self, principal, payload, **kwargs)
                if isinstance(result, Response):
                    return result
                # Answers hold client data: no browser or proxy keeps a copy.
                return Response(json.dumps(result, default=str), status=status, mimetype="application/json",
                                headers={"Cache-Control": "no-store"} | keyed)
            except Exception as error:
                return problems.response(idempotency.reused(error) or problems.problem_for(error))

        entrypoint: Entrypoint = http(method, path)(handler)
        return entrypoint

    return decorate


def fhir_route(method: str, path: str, *, who: Kind | tuple[Kind, ...] | None = EVERY_KIND
               ) -> Callable[[Entrypoint], Entrypoint]:
    """An HTTP entrypoint of the FHIR face: the same authentication and request keys as ``route``,
    the answer checked by the FHIR library and sent as ``application/fhir+json``, and any error as
    an OperationOutcome with the status the other routes give it.

    The function takes (service, caller, request, path parameters): a FHIR request says what it
    wants in its search parameters, not in a body of tiimi's. These routes are described by their
    CapabilityStatement (``/fhir/metadata``), as FHIR clients expect, not in the OpenAPI document.
    """

    def decorate(function: Entrypoint) -> Entrypoint:
        @functools.wraps(function)
        def handler(self: GatewayService, request: Request, **kwargs: str) -> Response:
            keyed: dict[str, str] = {}
            try:
                principal, keyed = self._caller(request, who, method)
                answer = validate.validated(function(self, principal, request, **kwargs))
                return Response(json.dumps(answer), status=200, mimetype=FHIR_JSON,
                                headers={"Cache-Control": "no-store"} | keyed)
            except Exception as error:
                problem = idempotency.reused(error) or problems.problem_for(error)
                errors = problem.extra.get("errors")
                outcome = bundles.operation_outcome(problem.status, problem.detail, errors)
                headers = {"WWW-Authenticate": 'Bearer realm="tiimi"'} if problem.status == 401 else {}
                return Response(json.dumps(outcome), status=problem.status, mimetype=FHIR_JSON,
                                headers=headers | keyed)

        entrypoint: Entrypoint = http(method, path)(handler)
        return entrypoint

    return decorate


def _fhir_base(request: Request) -> str:
    return request.url_root.rstrip("/") + "/fhir"


def _code_reason(request: Request) -> dict[str, Any] | None:
    """The reason the request gives for showing the personal identity code, checked as the reveal's
    reason is; None when it does not ask for the code."""
    given = request.headers.get(IDENTITY_CODE_REASON)
    if given is None:
        return None
    because: dict[str, Any] = load(schemas.IdentityCodeReason, {
        IDENTITY_CODE_REASON: search.header_text(IDENTITY_CODE_REASON, given)})
    return because


class Tokens(DependencyProvider):
    def setup(self) -> None:
        self.verifier = TokenVerifier(self.container.config)

    def get_dependency(self, worker_ctx: object) -> TokenVerifier:
        return self.verifier


class Settings(DependencyProvider):
    def setup(self) -> None:
        config = self.container.config
        self.max_body = int(config.get("MAX_BODY_BYTES", DEFAULT_MAX_BODY))
        self.rpc_timeout = float(config.get("RPC_TIMEOUT", 10))
        self.amqp_uri: str = config["AMQP_URI"]
        # Who reviews emergency accesses: professional ids, comma separated.
        officers = (config.get("DATA_PROTECTION_OFFICERS")
                    or os.environ.get("TIIMI_DATA_PROTECTION_OFFICERS", ""))
        self.data_protection_officers = frozenset(
            officer.strip() for officer in str(officers).split(",") if officer.strip())
        # When this gateway's FHIR CapabilityStatement was published: when it started.
        self.started_at = wall_clock().isoformat()

    def get_dependency(self, worker_ctx: object) -> Settings:
        return self


class Timed:
    """A service behind the gateway whose every call waits at most ``timeout`` seconds for its answer."""

    def __init__(self, proxy: Any, timeout: float):
        self._proxy = proxy
        self._timeout = timeout

    def __getattr__(self, method: str) -> Callable[..., Any]:
        if method.startswith("_"):
            raise AttributeError(method)
        return functools.partial(call, self._proxy, method, self._timeout)


class GatewayService(WebApp):
    name = "gateway"

    operations = Operations()
    correlation_id = Correlation()
    tokens = Tokens()
    settings = Settings()
    consent = RpcProxy("consent")
    team = RpcProxy("team")
    referral = RpcProxy("referral")
    notify = RpcProxy("notify")

    # The key of the request this worker serves, if it changes something (a worker serves one request).
    request_key: RequestKey | None = None

    @property
    def services(self) -> Services:
        """The services behind the gateway, as the use cases take them; commands carry the request's keys."""
        timeout, key = self.settings.rpc_timeout, self.request_key
        return Services(team=Keyed(Timed(self.team, timeout), "team", key),
                        consent=Keyed(Timed(self.consent, timeout), "consent", key),
                        referral=Keyed(Timed(self.referral, timeout), "referral", key),
                        notify=Keyed(Timed(self.notify, timeout), "notify", key),
                        together=at_once)

    # -- for operations -----------------------------------------------------------

    @rpc
    def health(self) -> dict[str, Any]:
        return {"service": self.name, "status": "ok", "routes": len(ROUTES)}

    @route("GET", "/health/live", "The process is up", tag="health", who=None, answer=schemas.Live)
    def live(self, principal: None, payload: None) -> dict[str, str]:
        return {"status": "ok"}

    @route("GET", "/health/ready", "The broker answers, so requests can be served", tag="health", who=None,
           answer=schemas.Health)
    def ready(self, principal: None, payload: None) -> Response | dict[str, str]:
        if broker_problem(self.settings.amqp_uri, timeout=2):
            return Response(json.dumps({"status": "unavailable", "broker": "unreachable"}), status=503,
                            mimetype="application/json")
        return {"status": "ok", "broker": "ok"}

    @route("GET", "/openapi.json", "This API, described in OpenAPI 3", tag="health", who=None,
           answer=schemas.OpenApiDocument)
    def openapi_document(self, principal: None, payload: None) -> dict[str, Any]:
        return openapi.document(ROUTES)

    # -- clients --------------------------------------------------------------------

    @route("POST", "/clients", "Register a client", tag="clients", body=schemas.RegisterClient, status=201,
           answer=schemas.ClientOut)
    def register_client(self, principal: Principal, payload: dict[str, Any]) -> Answer:
        return self.services.team.register_client(**payload, registered_by=principal.subject)

    @route("POST", "/clients/search", "Find a client of one of your teams by personal identity code",
           tag="clients", body=schemas.FindClient, answer=schemas.ClientOut)
    def find_client(self, principal: Principal, payload: dict[str, Any]) -> Answer:
        return use_cases.find_client(self.services, principal, payload)

    @route("GET", "/clients/<client_id>", "A client of one of your teams", tag="clients",
           answer=schemas.ClientOut)
    def get_client(self, principal: Principal, payload: None, client_id: str) -> Answer:
        return use_cases.get_client(self.services, principal, client_id)

    @route("POST", "/clients/<client_id>/identity-code", "Reveal the client's personal identity code, "
           "with a reason that is recorded (professionals of the team's own organisation)", tag="clients",
           body=schemas.Because, answer=schemas.RevealedCodeOut)
    def reveal_identity_code(self, principal: Principal, payload: dict[str, Any], client_id: str) -> Answer:
        return use_cases.reveal_identity_code(self.services, principal, client_id, payload)

    @route("GET", "/clients/<client_id>/identity-code/reveals", "Who has been shown the client's personal "
           "identity code, when and why (key worker)", tag="clients", answer=schemas.IdentityCodeRevealOut,
           many=True)
    def identity_code_reveals(self, principal: Principal, payload: None, client_id: str) -> Answer:
        return use_cases.identity_code_reveals(self.services, principal, client_id)

    @route("GET", "/clients/<client_id>/consents", "The client's consents and denials (key worker)",
           tag="consents", answer=schemas.ConsentsOut)
    def list_consents(self, principal: Principal, payload: None, client_id: str) -> Answer:
        return use_cases.list_consents(self.services, principal, client_id)

    @route("POST", "/clients/<client_id>/consents", "Record a consent (key worker)", tag="consents",
           body=schemas.Grant, status=201, answer=schemas.ConsentOut)
    def grant(self, principal: Principal, payload: dict[str, Any], client_id: str) -> Answer:
        return use_cases.grant(self.services, principal, client_id, payload)

    @route("POST", "/clients/<client_id>/consents/<consent_id>/withdraw", "Withdraw a consent (key worker)",
           tag="consents", body=schemas.Because, answer=schemas.ConsentOut)
    def withdraw(self, principal: Principal, payload: dict[str, Any], client_id: str,
                 consent_id: str) -> Answer:
        return use_cases.withdraw(self.services, principal, client_id, consent_id, payload)

    @route("POST", "/clients/<client_id>/denials", "Record a denial of disclosure (key worker)",
           tag="consents", body=schemas.Deny, status=201, answer=schemas.DenialOut)
    def deny(self, principal: Principal, payload: dict[str, Any], client_id: str) -> Answer:
        return use_cases.deny(self.services, principal, client_id, payload)

    @route("POST", "/clients/<client_id>/denials/<denial_id>/lift", "Lift a denial (key worker)",
           tag="consents", body=schemas.Because, answer=schemas.DenialOut)
    def lift_denial(self, principal: Principal, payload: dict[str, Any], client_id: str,
                    denial_id: str) -> Answer:
        return use_cases.lift_denial(self.services, principal, client_id, denial_id, payload)

    @route("GET", "/clients/<client_id>/disclosures", "Who was given what, when and why (key worker)",
           tag="consents", answer=schemas.DisclosureReportOut)
    def disclosure_report(self, principal: Principal, payload: None, client_id: str) -> Answer:
        return use_cases.disclosure_report(self.services, principal, client_id)

    @route("POST", "/clients/<client_id>/statutory-disclosures", "Record data disclosed without consent on a "
           "legal basis, even against a denial: checked against the basis, logged with the justification, "
           "and the key worker is told (professionals of the organisation that holds the client's data)",
           tag="consents", body=schemas.StatutoryDisclosure, status=201,
           answer=schemas.StatutoryDisclosureOut)
    def record_statutory_disclosure(self, principal: Principal, payload: dict[str, Any],
                                    client_id: str) -> Answer:
        return use_cases.record_statutory_disclosure(self.services, principal, client_id, payload)

    @route("POST", "/clients/<client_id>/emergency-access", "Emergency access (break the glass): open the "
           "client's data for a limited time with a reason, if you are not on the client's team; each read "
           "is logged and the key worker is told", tag="consents", body=schemas.EmergencyAccess, status=201,
           answer=schemas.EmergencyAccessOut)
    def open_emergency_access(self, principal: Principal, payload: dict[str, Any], client_id: str) -> Answer:
        return use_cases.open_emergency_access(self.services, principal, client_id, payload)

    @route("GET", "/emergency-accesses", "Every emergency access, newest first: who opened whose data, why, "
           "when, reviewed or not (the data protection officer)", tag="consents",
           answer=schemas.EmergencyAccessOut, many=True)
    def emergency_accesses(self, principal: Principal, payload: None) -> Answer:
        return use_cases.emergency_accesses(self.services, principal, self.settings.data_protection_officers)

    @route("POST", "/emergency-accesses/<access_id>/review", "Mark an emergency access reviewed (the data "
           "protection officer)", tag="consents", body=schemas.Empty, answer=schemas.EmergencyAccessOut)
    def review_emergency_access(self, principal: Principal, payload: dict[str, Any],
                                access_id: str) -> Answer:
        officers = self.settings.data_protection_officers
        return use_cases.review_emergency_access(self.services, principal, officers, access_id)

    @route("GET", "/legal-bases", "The legal bases a disclosure without consent may rest on (the county's "
           "list)", tag="consents", answer=schemas.LegalBasisOut, many=True)
    def legal_bases(self, principal: Principal, payload: None) -> Answer:
        return use_cases.legal_bases(self.services)

    # -- teams ----------------------------------------------------------------------

    @route("POST", "/teams", "Make a team for a client you registered; you are its key worker", tag="teams",
           body=schemas.CreateTeam, status=201, answer=schemas.TeamOut)
    def create_team(self, principal: Principal, payload: dict[str, Any]) -> Answer:
        return use_cases.create_team(self.services, principal, payload)

    @route("GET", "/clients/<client_id>/team", "The client's team", tag="teams", answer=schemas.TeamOut)
    def get_team(self, principal: Principal, payload: None, client_id: str) -> Answer:
        return use_cases.get_team(self.services, principal, client_id)

    @route("POST", "/teams/<team_id>/members", "Add a member (key worker)", tag="teams",
           body=schemas.AddMember, status=201, answer=schemas.MemberOut)
    def add_member(self, principal: Principal, payload: dict[str, Any], team_id: str) -> Answer:
        return use_cases.add_member(self.services, principal, team_id, payload)

    @route("POST", "/teams/<team_id>/members/<member_id>/remove", "Remove a member (key worker)",
           tag="teams", body=schemas.Because, answer=schemas.MemberOut)
    def remove_member(self, principal: Principal, payload: dict[str, Any], team_id: str,
                      member_id: str) -> Answer:
        return use_cases.remove_member(self.services, principal, team_id, member_id, payload)

    @route("POST", "/teams/<team_id>/handover", "Hand the key worker's role over (key worker)", tag="teams",
           body=schemas.HandOver, answer=schemas.TeamOut)
    def hand_over(self, principal: Principal, payload: dict[str, Any], team_id: str) -> Answer:
        return use_cases.hand_over(self.services, principal, team_id, payload)

    @route("POST", "/teams/<team_id>/status", "Activate, suspend or close the team (key worker)",
           tag="teams", body=schemas.TeamStatus, answer=schemas.TeamOut)
    def change_team_status(self, principal: Principal, payload: dict[str, Any], team_id: str) -> Answer:
        return use_cases.change_team_status(self.services, principal, team_id, payload)

    @route("GET", "/me/clients", "The clients whose teams you are in", tag="teams",
           answer=schemas.InvolvementOut, many=True)
    def my_clients(self, principal: Principal, payload: None) -> Answer:
        return use_cases.my_clients(self.services, principal)

    # -- referrals ------------------------------------------------------------------

    @route("POST", "/referrals", "Draft a referral for a client of your team", tag="referrals",
           body=schemas.CreateReferral, status=201, answer=schemas.ReferralOut)
    def create_referral(self, principal: Principal, payload: dict[str, Any]) -> Answer:
        return use_cases.create_referral(self.services, principal, payload)

    @route("POST", "/referrals/<referral_id>/send", "Send a draft: only what consent permits is shared",
           tag="referrals", body=schemas.Empty, answer=schemas.ReferralOut)
    def send_referral(self, principal: Principal, payload: dict[str, Any], referral_id: str) -> Answer:
        return use_cases.change_referral(self.services, principal, referral_id, ReferralStatus.REQUESTED)

    @route("POST", "/referrals/<referral_id>/cancel", "Cancel a referral you sent", tag="referrals",
           body=schemas.Because, answer=schemas.ReferralOut)
    def cancel_referral(self, principal: Principal, payload: dict[str, Any], referral_id: str) -> Answer:
        return use_cases.change_referral(self.services, principal, referral_id, ReferralStatus.CANCELLED,
                                         reason=payload["reason"])

    @route("GET", "/referrals/<referral_id>", "A referral and its history", tag="referrals",
           answer=schemas.ReferralOut)
    def get_referral(self, principal: Principal, payload: None, referral_id: str) -> Answer:
        return self.services.referral.get_referral(referral_id=referral_id,
                                                   organisation=principal.organisation)

    @route("GET", "/clients/<client_id>/referrals", "The client's referrals", tag="referrals",
           answer=schemas.ReferralSummaryOut, many=True)
    def client_referrals(self, principal: Principal, payload: None, client_id: str) -> Answer:
        return use_cases.client_referrals(self.services, principal, client_id)

    # -- the inbox --------------------------------------------------------------------

    @route("GET", "/inbox", "Your messages, newest first", tag="inbox", who=EVERY_KIND,
           answer=schemas.InboxItemOut, many=True)
    def inbox(self, principal: Principal, payload: None) -> Answer:
        return self.services.notify.list_inbox(recipient_id=rules.inbox_of(principal))

    @route("POST", "/inbox/<item_id>/read", "Mark a message read", tag="inbox", who=EVERY_KIND,
           body=schemas.Empty, answer=schemas.InboxItemOut)
    def mark_read(self, principal: Principal, payload: dict[str, Any], item_id: str) -> Answer:
        return self.services.notify.mark_read(recipient_id=rules.inbox_of(principal), item_id=item_id)

    # -- partners ----------------------------------------------------------------------

    @route("GET", "/partner/referrals", "Open referrals addressed to your organisation", tag="partner",
           who=Kind.PARTNER, answer=schemas.ReferralSummaryOut, many=True)
    def partner_referrals(self, principal: Principal, payload: None) -> Answer:
        return self.services.referral.open_referrals(organisation=principal.organisation,
                                                     direction="incoming")

    @route("GET", "/partner/referrals/<referral_id>", "A referral addressed to your organisation",
           tag="partner", who=Kind.PARTNER, answer=schemas.ReferralOut)
    def partner_referral(self, principal: Principal, payload: None, referral_id: str) -> Answer:
        return self.services.referral.get_referral(referral_id=referral_id,
                                                   organisation=principal.organisation)

    @route("POST", "/partner/referrals/<referral_id>/<answer>",
           "Answer a referral: accept, reject, start, hold, resume, complete (with outcome) or fail",
           tag="partner", who=Kind.PARTNER, body=schemas.Answer, answer=schemas.ReferralOut)
    def answer_referral(self, principal: Principal, payload: dict[str, Any], referral_id: str,
                        answer: str) -> Answer:
        return use_cases.answer_referral(self.services, principal, referral_id, answer, payload)

    # -- FHIR R4, for partners and the national archive (docs/fhir.md) -------------------

    @fhir_route("GET", "/fhir/metadata", who=None)
    def fhir_metadata(self, principal: None, request: Request) -> Resource:
        # Public, as FHIR expects of a server's CapabilityStatement: it says what is offered, and how
        # to authenticate, and holds nothing about anyone.
        return capability.capability_statement(base_url=_fhir_base(request),
                                               published_at=self.settings.started_at, version=VERSION)

    @fhir_route("GET", "/fhir/CareTeam", who=Kind.PROFESSIONAL)
    def fhir_care_teams(self, principal: Principal, request: Request) -> Resource:
        client_id = search.client(request.args.to_dict(flat=False), ("subject", "patient"))
        found = use_cases.fhir_care_team(self.services, principal, client_id, _code_reason(request))
        return bundles.searchset(found, base_url=_fhir_base(request))

    @fhir_route("GET", "/fhir/Consent", who=Kind.PROFESSIONAL)
    def fhir_consents(self, principal: Principal, request: Request) -> Resource:
        client_id = search.client(request.args.to_dict(flat=False), ("patient",))
        found = use_cases.fhir_consents(self.services, principal, client_id, _code_reason(request))
        return bundles.searchset(found, base_url=_fhir_base(request))

    @fhir_route("GET", "/fhir/AuditEvent", who=Kind.PROFESSIONAL)
    def fhir_audit_events(self, principal: Principal, request: Request) -> Resource:
        client_id = search.client(request.args.to_dict(flat=False), ("patient",))
        found = use_cases.fhir_audit_events(self.services, principal, client_id, _code_reason(request))
        return bundles.searchset(found, base_url=_fhir_base(request))

    @fhir_route("GET", "/fhir/AuditEvent/$disclosure-notifications", who=Kind.PROFESSIONAL)
    def fhir_disclosure_notifications(self, principal: Principal, request: Request) -> Resource:
        """The client's disclosures to other controllers in [from, to), each a Kanta-style Bundle of an
        AuditEvent and its Provenance, gathered in one collection Bundle; the key worker's, as the
        disclosure report is."""
        given = search.parameters(request.args.to_dict(flat=False), offered=("patient", "from", "to"),
                                  required=("patient", "from", "to"))
        notifications = use_cases.fhir_disclosure_notifications(
            self.services, principal, search.reference_id("patient", given["patient"], "Patient"),
            start=search.moment("from", given["from"]), end=search.moment("to", given["to"]),
            notified_at=wall_clock().isoformat(), because=_code_reason(request))
        return bundles.collection(notifications)

    @fhir_route("GET", "/fhir/Task", who=Kind.PARTNER)
    def fhir_open_tasks(self, principal: Principal, request: Request) -> Resource:
        given = search.parameters(request.args.to_dict(flat=False), offered=("owner",), required=("owner",))
        owner = search.reference_id("owner", given["owner"], "Organization")
        return bundles.searchset(use_cases.fhir_open_tasks(self.services, principal, owner),
                                 base_url=_fhir_base(request))

    @fhir_route("GET", "/fhir/Task/<referral_id>")
    def fhir_task(self, principal: Principal, request: Request, referral_id: str) -> Resource:
        search.parameters(request.args.to_dict(flat=False), offered=(), required=())
        return use_cases.fhir_referral(self.services, principal, referral_id, referral.task,
                                       _code_reason(request))

    @fhir_route("GET", "/fhir/ServiceRequest/<referral_id>")
    def fhir_service_request(self, principal: Principal, request: Request, referral_id: str) -> Resource:
        search.parameters(request.args.to_dict(flat=False), offered=(), required=())
        return use_cases.fhir_referral(self.services, principal, referral_id, referral.service_request,
                                       _code_reason(request))

    @fhir_route("PUT", "/fhir/Task/<referral_id>", who=Kind.PARTNER)
    def fhir_answer_task(self, principal: Principal, request: Request, referral_id: str) -> Resource:
        """A partner answers a referral by updating its Task's status (FHIR's update: the whole Task is
        sent; tiimi takes its status, statusReason.text and outcome output, and owns the rest)."""
        task = validate.accepted(problems.json_object(request, self.settings.max_body), "Task")
        change = referral.change_from_task(referral_id, task)
        details = schemas.Answer().dump(load(schemas.Answer, {
            key: change[key] for key in ("reason", "outcome") if key in change}))
        return use_cases.fhir_answer_task(self.services, principal, referral_id,
                                          {"status": change["status"]} | details)

    # -- helpers ------------------------------------------------------------------------

    def _caller(self, request: Request, who: Kind | tuple[Kind, ...] | None,
                method: str) -> tuple[Principal | None, dict[str, str]]:
        """Who calls, if the route takes a token, and the headers that name the request's key."""
        if who is None:
            return None, {}
        principal = self.tokens.verify(request.headers.get("Authorization"))
        rules.require_kind(principal, who)
        if method == "GET":
            return principal, {}
        # A change: its commands are keyed, so that a repeat is answered and not done again.
        self.request_key = RequestKey(principal, idempotency.header_key(request.headers))
        return principal, {idempotency.HEADER: self.request_key.header}

    def _body(self, request: Request, schema: type[Schema]) -> dict[str, Any]:
        """The body, checked against the route's schema and in the shape the services take."""
        data = problems.json_object(request, self.settings.max_body)
        checked: dict[str, Any] = schema().dump(load(schema, data))
        return checked
