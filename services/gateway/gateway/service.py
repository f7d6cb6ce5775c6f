"""The HTTP door for key workers and partners: authenticate, authorise each object, ask over RPC.

Every route takes a bearer JWT (except health and the OpenAPI document),
checks what the caller may do with the object it names, then calls the
service behind it. A professional sees a client's data only while an active
member of the client's team, and only what consent allows their organisation;
each such read goes to the consent service's disclosure log. Team changes are
the key worker's. A partner sees only the referrals addressed to it.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass

from marshmallow import Schema
from nameko.extensions import DependencyProvider
from nameko.rpc import RpcProxy, rpc
from nameko.web.handlers import http
from werkzeug.wrappers import Response

from gateway import openapi, problems, schemas
from gateway.auth import Principal, TokenVerifier
from tiimi_shared.broker import broker_problem
from tiimi_shared.correlation import Correlation
from tiimi_shared.errors import Forbidden, NotFound
from tiimi_shared.operations import Operations
from tiimi_shared.rpc import call
from tiimi_shared.schemas import load

DEFAULT_MAX_BODY = 64 * 1024


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    summary: str
    tag: str
    who: str | None          # professional, partner, or None (no token)
    body: type[Schema] | None
    status: int
    params: tuple[str, ...]


ROUTES: list[Route] = []


def route(method: str, path: str, summary: str, *, tag: str, who: str | None = "professional",
          body: type[Schema] | None = None, status: int = 200):
    """An HTTP entrypoint with authentication, body checks and problem details, listed for OpenAPI."""
    params = tuple(part[1:-1].split(":")[-1] for part in path.split("/") if part.startswith("<"))
    ROUTES.append(Route(method, path, summary, tag, who, body, status, params))

    def decorate(function):
        @functools.wraps(function)
        def handler(self, request, **kwargs):
            try:
                principal = None
                if who is not None:
                    principal = self.tokens.verify(request.headers.get("Authorization"))
                    if principal.kind != who:
                        raise Forbidden(f"this route is for a {who}'s token")
                payload = self._body(request, body) if body is not None else None
                result = function(self, principal, payload, **kwargs)
                if isinstance(result, Response):
                    return result
                return Response(json.dumps(result, default=str), status=status, mimetype="application/json")
            except Exception as error:
                return problems.response(problems.problem_for(error))

        return http(method, path)(handler)

    return decorate


class Tokens(DependencyProvider):
    def setup(self) -> None:
        self.verifier = TokenVerifier(self.container.config)

    def get_dependency(self, worker_ctx) -> TokenVerifier:
        return self.verifier


class Settings(DependencyProvider):
    def setup(self) -> None:
        config = self.container.config
        self.max_body = int(config.get("MAX_BODY_BYTES", DEFAULT_MAX_BODY))
        self.rpc_timeout = float(config.get("RPC_TIMEOUT", 10))
        self.amqp_uri = config["AMQP_URI"]

    def get_dependency(self, worker_ctx):
        return self


class GatewayService:
    name = "gateway"

    operations = Operations()
    correlation_id = Correlation()
    tokens = Tokens()
    settings = Settings()
    consent = RpcProxy("consent")
    team = RpcProxy("team")
    referral = RpcProxy("referral")
    notify = RpcProxy("notify")

    # -- for operations -----------------------------------------------------------

    @rpc
    def health(self) -> dict:
        return {"service": self.name, "status": "ok", "routes": len(ROUTES)}

    @route("GET", "/health/live", "The process is up", tag="health", who=None)
    def live(self, principal, payload):
        return {"status": "ok"}

    @route("GET", "/health/ready", "The broker answers, so requests can be served", tag="health", who=None)
    def ready(self, principal, payload):
        if broker_problem(self.settings.amqp_uri, timeout=2):
            return Response(json.dumps({"status": "unavailable", "broker": "unreachable"}), status=503,
                            mimetype="application/json")
        return {"status": "ok", "broker": "ok"}

    @route("GET", "/openapi.json", "This API, described in OpenAPI 3", tag="health", who=None)
    def openapi_document(self, principal, payload):
        return openapi.document(ROUTES)

    # -- clients --------------------------------------------------------------------

    @route("POST", "/clients", "Register a client", tag="clients", body=schemas.RegisterClient, status=201)
    def register_client(self, principal, payload):
        return self._ask(self.team, "register_client", **payload, registered_by=principal.subject)

    @route("POST", "/clients/search", "Find a client of one of your teams by personal identity code",
           tag="clients", body=schemas.FindClient)
    def find_client(self, principal, payload):
        client = self._ask(self.team, "find_client", **payload)
        try:
            self._read(principal, client["id"], ("basic",))
        except (Forbidden, NotFound):
            # Not yours: answered as if unknown, so a code cannot be used to learn who is a client.
            raise NotFound("client", "with that personal identity code") from None
        return client

    @route("GET", "/clients/<client_id>", "A client of one of your teams", tag="clients")
    def get_client(self, principal, payload, client_id):
        self._read(principal, client_id, ("basic",))
        return self._ask(self.team, "get_client", client_id=client_id)

    @route("GET", "/clients/<client_id>/consents", "The client's consents and denials (key worker)",
           tag="consents")
    def list_consents(self, principal, payload, client_id):
        self._key_worker_of_client(principal, client_id)
        return self._ask(self.consent, "list_consents", client_id=client_id)

    @route("POST", "/clients/<client_id>/consents", "Record a consent (key worker)", tag="consents",
           body=schemas.Grant, status=201)
    def grant(self, principal, payload, client_id):
        self._key_worker_of_client(principal, client_id)
        return self._ask(self.consent, "grant", client_id=client_id, **payload, recorded_by=principal.subject)

    @route("POST", "/clients/<client_id>/consents/<consent_id>/withdraw", "Withdraw a consent (key worker)",
           tag="consents", body=schemas.Because)
    def withdraw(self, principal, payload, client_id, consent_id):
        self._key_worker_of_client(principal, client_id)
        self._owned(self._ask(self.consent, "list_consents", client_id=client_id)["consents"], consent_id,
                    "consent")
        return self._ask(self.consent, "withdraw", consent_id=consent_id, withdrawn_by=principal.subject,
                         **payload)

    @route("POST", "/clients/<client_id>/denials", "Record a denial of disclosure (key worker)",
           tag="consents", body=schemas.Deny, status=201)
    def deny(self, principal, payload, client_id):
        self._key_worker_of_client(principal, client_id)
        return self._ask(self.consent, "deny", client_id=client_id, **payload, recorded_by=principal.subject)

    @route("POST", "/clients/<client_id>/denials/<denial_id>/lift", "Lift a denial (key worker)",
           tag="consents", body=schemas.Empty)
    def lift_denial(self, principal, payload, client_id, denial_id):
        self._key_worker_of_client(principal, client_id)
        self._owned(self._ask(self.consent, "list_consents", client_id=client_id)["denials"], denial_id,
                    "denial")
        return self._ask(self.consent, "lift_denial", denial_id=denial_id, lifted_by=principal.subject)

    @route("GET", "/clients/<client_id>/disclosures", "Who was given what, when and why (key worker)",
           tag="consents")
    def disclosure_report(self, principal, payload, client_id):
        self._key_worker_of_client(principal, client_id)
        return self._ask(self.consent, "disclosure_report", client_id=client_id)

    # -- teams ----------------------------------------------------------------------

    @route("POST", "/teams", "Make a team for a client you registered; you are its key worker", tag="teams",
           body=schemas.CreateTeam, status=201)
    def create_team(self, principal, payload):
        client = self._ask(self.team, "get_client", client_id=str(payload["client_id"]))
        if client["registered_by"] != principal.subject:
            raise Forbidden("a team is made by the professional who registered the client")
        return self._ask(self.team, "create_team", client_id=client["id"],
                         organisation=principal.organisation, created_by=principal.subject, key_worker={
                             "professional_id": principal.subject, "name": payload["name"],
                             "organisation": principal.organisation, "role": payload["role"]})

    @route("GET", "/clients/<client_id>/team", "The client's team", tag="teams")
    def get_team(self, principal, payload, client_id):
        return self._read(principal, client_id, ("basic", "team"))

    @route("POST", "/teams/<team_id>/members", "Add a member (key worker)", tag="teams",
           body=schemas.AddMember, status=201)
    def add_member(self, principal, payload, team_id):
        self._key_worker_of_team(principal, team_id)
        return self._ask(self.team, "add_member", team_id=team_id, added_by=principal.subject, **payload)

    @route("POST", "/teams/<team_id>/members/<member_id>/remove", "Remove a member (key worker)",
           tag="teams", body=schemas.Because)
    def remove_member(self, principal, payload, team_id, member_id):
        self._key_worker_of_team(principal, team_id)
        return self._ask(self.team, "remove_member", team_id=team_id, member_id=member_id,
                         removed_by=principal.subject, **payload)

    @route("POST", "/teams/<team_id>/handover", "Hand the key worker's role over (key worker)", tag="teams",
           body=schemas.HandOver)
    def hand_over(self, principal, payload, team_id):
        self._key_worker_of_team(principal, team_id)
        return self._ask(self.team, "hand_over", team_id=team_id, changed_by=principal.subject, **payload)

    @route("POST", "/teams/<team_id>/status", "Activate, suspend or close the team (key worker)",
           tag="teams", body=schemas.TeamStatus)
    def change_team_status(self, principal, payload, team_id):
        self._key_worker_of_team(principal, team_id)
        return self._ask(self.team, "change_team_status", team_id=team_id, changed_by=principal.subject,
                         **payload)

    @route("GET", "/me/clients", "The clients whose teams you are in", tag="teams")
    def my_clients(self, principal, payload):
        return self._ask(self.team, "my_clients", professional_id=principal.subject)

    # -- referrals ------------------------------------------------------------------

    @route("POST", "/referrals", "Draft a referral for a client of your team", tag="referrals",
           body=schemas.CreateReferral, status=201)
    def create_referral(self, principal, payload):
        client_id = str(payload["client_id"])
        self._member(principal, self._team_of(client_id))
        return self._ask(self.referral, "create_referral", **payload | {
            "client_id": client_id, "requesting_organisation": principal.organisation,
            "requested_by": principal.subject})

    @route("POST", "/referrals/<referral_id>/send", "Send a draft: only what consent permits is shared",
           tag="referrals", body=schemas.Empty)
    def send_referral(self, principal, payload, referral_id):
        return self._change(principal, referral_id, "requested")

    @route("POST", "/referrals/<referral_id>/cancel", "Cancel a referral you sent", tag="referrals",
           body=schemas.Because)
    def cancel_referral(self, principal, payload, referral_id):
        return self._change(principal, referral_id, "cancelled", reason=payload["reason"])

    @route("GET", "/referrals/<referral_id>", "A referral and its history", tag="referrals")
    def get_referral(self, principal, payload, referral_id):
        return self._ask(self.referral, "get_referral", referral_id=referral_id,
                         organisation=principal.organisation)

    @route("GET", "/clients/<client_id>/referrals", "The client's referrals", tag="referrals")
    def client_referrals(self, principal, payload, client_id):
        self._read(principal, client_id, ("basic",))
        return self._ask(self.referral, "referrals_of_client", client_id=client_id,
                         organisation=principal.organisation)

    # -- the inbox --------------------------------------------------------------------

    @route("GET", "/inbox", "Your messages, newest first", tag="inbox")
    def inbox(self, principal, payload):
        return self._ask(self.notify, "list_inbox", recipient_id=principal.subject)

    @route("POST", "/inbox/<item_id>/read", "Mark a message read", tag="inbox", body=schemas.Empty)
    def mark_read(self, principal, payload, item_id):
        return self._ask(self.notify, "mark_read", recipient_id=principal.subject, item_id=item_id)

    # -- partners ----------------------------------------------------------------------

    @route("GET", "/partner/referrals", "Open referrals addressed to your organisation", tag="partner",
           who="partner")
    def partner_referrals(self, principal, payload):
        return self._ask(self.referral, "open_referrals", organisation=principal.organisation,
                         direction="incoming")

    @route("GET", "/partner/referrals/<referral_id>", "A referral addressed to your organisation",
           tag="partner", who="partner")
    def partner_referral(self, principal, payload, referral_id):
        return self._ask(self.referral, "get_referral", referral_id=referral_id,
                         organisation=principal.organisation)

    @route("POST", "/partner/referrals/<referral_id>/<answer>",
           "Answer a referral: accept, reject, start, hold, resume, complete (with outcome) or fail",
           tag="partner", who="partner", body=schemas.Answer)
    def answer_referral(self, principal, payload, referral_id, answer):
        if answer not in schemas.ANSWERS:
            raise NotFound("answer", answer)
        return self._change(principal, referral_id, schemas.ANSWERS[answer], **payload)

    # -- helpers ------------------------------------------------------------------------

    def _ask(self, proxy, method: str, /, **kwargs):
        return call(proxy, method, self.settings.rpc_timeout, **kwargs)

    def _body(self, request, schema: type[Schema]) -> dict:
        limit = self.settings.max_body
        if (request.content_length or 0) > limit:
            raise problems.too_large(limit)
        raw = request.stream.read(limit + 1)
        if len(raw) > limit:
            raise problems.too_large(limit)
        if not raw.strip():
            raw = b"{}"
        try:
            data = json.loads(raw)
        except ValueError:
            raise problems.Problem(400, "Invalid request", "the body is not JSON") from None
        if not isinstance(data, dict):
            raise problems.Problem(400, "Invalid request", "the body must be a JSON object")
        return schema().dump(load(schema, data))

    def _change(self, principal: Principal, referral_id: str, status: str, **extra):
        return self._ask(self.referral, "change_status", referral_id=referral_id, status=status,
                         by={"organisation": principal.organisation, "professional_id": principal.subject},
                         **extra)

    def _team_of(self, client_id: str) -> dict:
        return self._ask(self.team, "get_team", client_id=client_id)

    @staticmethod
    def _member(principal: Principal, team: dict) -> str:
        """``key_worker`` or ``member``; Forbidden unless an active member of an open team."""
        if team["status"] != "closed":
            if team["key_worker"]["professional_id"] == principal.subject:
                return "key_worker"
            if any(m["kind"] == "professional" and m["professional_id"] == principal.subject
                   and m["organisation"] == principal.organisation and m["status"] == "active"
                   for m in team["members"]):
                return "member"
        raise Forbidden("only an active member of the client's team may see or change this")

    def _key_worker_of_client(self, principal: Principal, client_id: str) -> dict:
        team = self._team_of(client_id)
        if self._member(principal, team) != "key_worker":
            raise Forbidden("only the client's key worker may do this")
        return team

    def _key_worker_of_team(self, principal: Principal, team_id: str) -> dict:
        team = self._ask(self.team, "get_team", team_id=team_id)
        if self._member(principal, team) != "key_worker":
            raise Forbidden("only the team's key worker may do this")
        return team

    def _read(self, principal: Principal, client_id: str, categories: tuple[str, ...]) -> dict:
        """Allow a read of client data, and log it: at home as an access, elsewhere as a disclosure."""
        team = self._team_of(client_id)
        self._member(principal, team)
        requests = [{"organisation": principal.organisation, "professional": principal.subject,
                     "category": category, "purpose": "team_coordination"} for category in categories]
        if principal.organisation == team["organisation"]:
            for request in requests:
                self._ask(self.consent, "record_access", client_id=client_id, **request)
            return team
        decisions = self._ask(self.consent, "check_many", client_id=client_id, requests=requests)["decisions"]
        refused = [d["request"]["category"] for d in decisions if d["decision"] != "permit"]
        if refused:
            raise Forbidden(f"consent does not allow your organisation to see: {', '.join(refused)}")
        for request, decision in zip(requests, decisions, strict=True):
            self._ask(self.consent, "record_disclosure", client_id=client_id,
                      consent_id=decision["consent_id"], **request)
        return team

    @staticmethod
    def _owned(records: list[dict], record_id: str, kind: str) -> None:
        if not any(record["id"] == record_id for record in records):
            raise NotFound(kind, record_id)
