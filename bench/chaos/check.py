"""After the load: hold what the system did to what the client side's history demands, Jepsen-style.

Every finding names its kind (lost, duplicated, unexpected, ...) and what it is about, so
the table's figures can be traced back. The rules, in short:

- lost: an event published and not handled by each of its consumers; a partner message
  in referral's partner outbox that its partner never received; a sent referral with no
  partner message; a webhook delivery not received; a member whose status is not what its
  consent demands (active while it holds, suspended once withdrawn or expired); a partner
  that shared data and was not told to stop when the consent went; a disclosure given out
  (shared in a partner message) without its log entry.
- duplicated: two partner messages (different ids) or two webhooks (different ids) for the
  same referral and the same step; a notice twice; a state change twice (a member activated
  or suspended twice, a referral step twice); more clients, teams, consents, members or
  referrals than the history asked for (an RPC run twice: an orphan draft, a second
  consent); more disclosure log entries than disclosures. A repeat with the same id is
  counted apart, as deduplicable: the AsyncAPI document tells partners to drop it.
- unexpected: a partner message in another partner's queue, or about a referral nobody sent
  it; shared categories the consent did not permit when the message was made; a webhook
  with client details when the consent no longer permitted them.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa
from cryptography.fernet import Fernet
from load import HOLDING_PARTNER, PARTNERS, Driver, Story
from stdnum.fi import hetu

OPEN = ("requested", "accepted", "in_progress", "on_hold")
_EXAMPLES = 5  # details kept per finding kind


@dataclass
class Findings:
    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, kind: str, detail: str) -> None:
        self.counts[kind] += 1
        if len(self.examples[kind]) < _EXAMPLES:
            self.examples[kind].append(detail)

    def total(self, prefix: str) -> int:
        return sum(count for kind, count in self.counts.items() if kind.startswith(prefix + ":"))


def _rows(url: str, query: str) -> list[dict[str, Any]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(sa.text(query))]
    except sa.exc.ProgrammingError:
        return []  # a table this service does not keep
    finally:
        engine.dispose()


def _when(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


# TIIMI_DATA_KEYS of the run: what the services seal at rest (``v1:<key id>:<Fernet token>``,
# as the runbook describes it) the checker opens to read.
DATA_KEYS: dict[str, str] = {}


def use_data_keys(spec: str) -> None:
    DATA_KEYS.clear()
    for item in spec.split(","):
        key_id, _, key = item.strip().partition(":")
        DATA_KEYS[key_id] = key


def _open(value: str) -> str:
    if not value.startswith("v1:"):
        return value
    _, key_id, token = value.split(":", 2)
    return Fernet(DATA_KEYS[key_id].encode()).decrypt(token.encode()).decode()


def _json(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    opened = _open(value)
    try:
        return json.loads(opened)
    except ValueError:
        return opened


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


# -- the state ---------------------------------------------------------------------------------


@dataclass
class State:
    outboxes: dict[str, list[dict[str, Any]]]  # service (and "referral/partner") -> rows
    processed: dict[str, set[tuple[str, str]]]  # service -> (consumer, event id)
    consents: list[dict[str, Any]]
    disclosures: list[dict[str, Any]]
    clients: list[dict[str, Any]]
    teams: list[dict[str, Any]]
    members: list[dict[str, Any]]
    referrals: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    deliveries: list[dict[str, Any]]

    @property
    def events(self) -> int:
        return sum(len(rows) for rows in self.outboxes.values())


def read_state(urls: dict[str, str]) -> State:
    outboxes, processed = {}, {}
    for service in ("consent", "team", "referral", "notify"):
        outboxes[service] = [
            row | {"envelope": _json(row["envelope"])}
            for row in _rows(
                urls[service],
                "SELECT event_id, event_type, envelope, published_at FROM outbox ORDER BY position",
            )
        ]
        processed[service] = {
            (row["consumer"], row["event_id"])
            for row in _rows(urls[service], "SELECT consumer, event_id FROM processed_events")
        }
    outboxes["referral/partner"] = [
        row | {"envelope": _json(row["envelope"])}
        for row in _rows(
            urls["referral"],
            "SELECT event_id, event_type, envelope, published_at FROM partner_outbox ORDER BY position",
        )
    ]
    return State(
        outboxes=outboxes,
        processed=processed,
        consents=_rows(
            urls["consent"],
            "SELECT id, client_id, organisation, categories, purposes, status, "
            "valid_until, withdrawn_at, expired_at, recorded_at FROM consents",
        ),
        disclosures=_rows(
            urls["consent"],
            "SELECT kind, client_id, organisation, category, purpose, outcome, "
            "consent_id, correlation_id, at FROM disclosure_log",
        ),
        clients=_rows(urls["team"], "SELECT id FROM clients"),
        teams=_rows(urls["team"], "SELECT id, client_id FROM teams"),
        members=_rows(
            urls["team"],
            "SELECT m.id, m.team_id, t.client_id, m.professional_id, m.organisation, "
            "m.status FROM members m JOIN teams t ON t.id = m.team_id",
        ),
        referrals=_rows(
            urls["referral"], "SELECT id, client_id, target_organisation, status, shared FROM referrals"
        ),
        steps=_rows(
            urls["referral"],
            "SELECT referral_id, kind, from_status, to_status, at FROM referral_steps ORDER BY position",
        ),
        deliveries=_rows(
            urls["notify"],
            "SELECT id, event_id, event_type, recipient_id, channel, message, "
            "with_details, context, status, created_at FROM deliveries",
        ),
    )


def subscriptions(definitions: dict[str, Any]) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(source, event type) -> [(consuming service, consumer key)], read off the broker definitions."""
    found: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for binding in definitions["bindings"]:
        source = binding["source"]
        if not source.endswith(".events"):
            continue
        consumer = binding["destination"].split("--", 1)[1]
        found[(source.removesuffix(".events"), binding["routing_key"])].append(
            (consumer.split(".", 1)[0], consumer)
        )
    return found


# -- the checks ----------------------------------------------------------------------------------


def _consent_lost_at(consent: dict[str, Any]) -> datetime | None:
    return _when(consent.get("withdrawn_at")) or _when(consent.get("expired_at"))


def _permitted(consents: Iterable[dict[str, Any]], organisation: str, purpose: str, at: datetime) -> set[str]:
    """The categories consent permitted to ``organisation`` for ``purpose`` at ``at``."""
    allowed: set[str] = set()
    for consent in consents:
        lost = _consent_lost_at(consent)
        until = _when(consent.get("valid_until"))
        if consent["organisation"] != organisation or purpose not in _json(consent["purposes"]):
            continue
        if _when(consent["recorded_at"]) and _when(consent["recorded_at"]) > at:  # type: ignore[operator]
            continue
        if (lost and lost <= at) or (until and until <= at):
            continue
        allowed |= set(_json(consent["categories"]))
    return allowed


def check(
    state: State,
    driver: Driver,
    partner_records: list[dict[str, Any]],
    webhooks: list[dict[str, Any]],
    definitions: dict[str, Any],
) -> Findings:
    found = Findings()
    stories = [story for story in driver.stories]
    by_referral: dict[str, Story] = {s.referral_id: s for s in stories if s.referral_id}
    consents_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for granted in state.consents:
        consents_of[granted["client_id"]].append(granted)
    consent_by_id = {consent["id"]: consent for consent in state.consents}

    # Events published and never handled.
    subscribed = subscriptions(definitions)
    for service in ("consent", "team", "referral", "notify"):
        for row in state.outboxes[service]:
            if row["published_at"] is None:
                continue
            for consumer_service, consumer in subscribed.get((service, row["event_type"]), []):
                if (consumer, row["event_id"]) not in state.processed[consumer_service]:
                    found.add(
                        "lost:event not handled", f"{row['event_type']} {row['event_id']} by {consumer}"
                    )

    # Partner messages: each one made was received; none other was.
    received: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in partner_records:
        if "envelope" in record:
            received[record["envelope"]["id"]].append(record)
    made = {row["event_id"]: row for row in state.outboxes["referral/partner"]}
    for event_id, row in made.items():
        if event_id not in received:
            found.add("lost:partner message not received", f"{row['event_type']} {event_id}")
    per_step: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for event_id, copies in received.items():
        envelope = copies[0]["envelope"]
        data = envelope["data"]
        if len(copies) > 1:
            found.add(
                "deduplicable:partner message redelivered (same id)",
                f"{envelope['type']} {event_id} x{len(copies)}",
            )
        for copy in copies:
            if data.get("target_organisation") != copy["organisation"]:
                found.add(
                    "unexpected:partner message in another partner's queue",
                    f"{envelope['type']} {event_id} to {copy['organisation']}",
                )
        story = by_referral.get(data.get("referral_id", ""))
        if event_id not in made:
            found.add("unexpected:partner message tiimi never made", f"{envelope['type']} {event_id}")
        if story is None or story.partner != copies[0]["organisation"]:
            found.add(
                "unexpected:partner message about a referral nobody sent it",
                f"{envelope['type']} {data.get('referral_id')}",
            )
        per_step[(copies[0]["organisation"], data.get("referral_id", ""), envelope["type"])].add(event_id)
        if envelope["type"] == "referral_requested":
            at = _when(envelope["occurred_at"]) or datetime.now(UTC)
            allowed = _permitted(
                consents_of.get(data["client_id"], []), copies[0]["organisation"], "referral", at
            )
            beyond = set(data.get("shared", {})) - allowed
            if beyond:
                found.add(
                    "unexpected:shared beyond consent",
                    f"{data['referral_id']} shared {sorted(beyond)} (permitted {sorted(allowed)})",
                )
    for (organisation, referral_id, kind), ids in per_step.items():
        if len(ids) > 1:
            found.add(
                "duplicated:partner message twice (different ids)",
                f"{kind} {referral_id} to {organisation}: {len(ids)}",
            )

    # The client side: what each story's history demands.
    requested = {
        row["envelope"]["data"]["referral_id"]: row
        for row in state.outboxes["referral/partner"]
        if row["event_type"] == "referral_requested"
    }
    stopped = {
        row["envelope"]["data"]["referral_id"]
        for row in state.outboxes["referral/partner"]
        if row["event_type"] == "referral_stop_processing"
    }
    member_rows = {row["id"]: row for row in state.members}
    add_time = {
        (r.story): r.ended for r in driver.requests if r.operation == "add_member" and r.status == 201
    }
    member: dict[str, Any] | None
    for story in stories:
        if story.sent and story.referral_id not in requested:
            found.add("lost:sent referral with no partner message", story.referral_id or "")
        consent = consent_by_id.get(story.consent_id or "")
        lost_at = _consent_lost_at(consent) if consent else None
        if story.member_id and consent is not None:
            member = member_rows.get(story.member_id)
            if member is None:
                found.add("lost:member not kept", story.member_id)
            else:
                added = datetime.fromtimestamp(add_time.get(story.number, 0), UTC)
                if lost_at is None:
                    wanted = {"active"}
                elif added < lost_at:
                    wanted = {"suspended"}
                else:
                    wanted = {"pending_consent"}
                if lost_at is not None and abs((added - lost_at).total_seconds()) < 5:
                    wanted = {"suspended", "pending_consent"}
                if member["status"] not in wanted:
                    found.add(
                        "lost:member not as consent demands",
                        f"{story.member_id} is {member['status']}, wanted {sorted(wanted)} ({story.kind})",
                    )
        if story.sent and consent is not None and lost_at is not None and story.referral_id in requested:
            shared = set(requested[story.referral_id]["envelope"]["data"].get("shared", {}))
            sent_at = _when(requested[story.referral_id]["envelope"]["occurred_at"])
            if (
                shared & set(_json(consent["categories"]))
                and sent_at
                and sent_at < lost_at
                and story.referral_id not in stopped
            ):
                found.add("lost:partner not told to stop", f"{story.referral_id} ({story.kind})")

    # Webhooks: every delivery made was received, once per step.
    hooks_by_id: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for hook in webhooks:
        hooks_by_id[hook["webhook_id"]].append(hook)
        if not hook["verified"]:
            found.add("unexpected:webhook with a bad signature", hook["webhook_id"] or "")
    webhook_deliveries = [d for d in state.deliveries if d["channel"] == "webhook"]
    for delivery in webhook_deliveries:
        if delivery["id"] not in hooks_by_id:
            found.add(
                "lost:webhook not received", f"{delivery['message']} {delivery['id']} ({delivery['status']})"
            )
        if delivery["with_details"]:
            context = _json(delivery["context"])
            referral = by_referral.get(context.get("referral_id", ""))
            created = _when(delivery["created_at"]) or datetime.now(UTC)
            if referral and "basic" not in _permitted(
                consents_of.get(referral.client_id or "", []), delivery["recipient_id"], "referral", created
            ):
                found.add("unexpected:webhook with client details consent did not permit", delivery["id"])
    for webhook_id, copies in hooks_by_id.items():
        if len(copies) > 1:
            found.add("deduplicable:webhook redelivered (same id)", f"{webhook_id} x{len(copies)}")
    hook_steps: dict[tuple[str, str], set[str]] = defaultdict(set)
    for webhook_id, copies in hooks_by_id.items():
        payload = copies[0]["payload"] or {}
        hook_steps[
            (payload.get("referral_id", ""), payload.get("type", "") + str(payload.get("status", "")))
        ].add(webhook_id)
    for (referral_id, kind), ids in hook_steps.items():
        if len(ids) > 1:
            found.add("duplicated:webhook twice (different ids)", f"{kind} {referral_id}: {len(ids)}")
    for story in stories:
        if (
            story.sent
            and story.partner == HOLDING_PARTNER
            and not any(
                _json(d["context"]).get("referral_id") == story.referral_id
                and d["message"] == "referral_received"
                for d in webhook_deliveries
            )
        ):
            found.add("lost:sent referral with no webhook", story.referral_id or "")

    # Notices twice.
    notices = Counter(
        (d["recipient_id"], d["channel"], d["message"], json.dumps(_json(d["context"]), sort_keys=True))
        for d in state.deliveries
    )
    for notice, count in notices.items():
        if count > 1:
            found.add("duplicated:notice twice", f"{notice[2]} to {notice[0]} on {notice[1]} x{count}")

    # State changes twice.
    team_events = Counter(
        (row["event_type"], row["envelope"]["data"].get("member_id"))
        for row in state.outboxes["team"]
        if row["event_type"] in ("member_activated", "member_suspended", "member_added")
    )
    for (kind, member_id), count in team_events.items():
        if count > 1:
            found.add("duplicated:state change twice", f"{kind} {member_id} x{count}")
    steps = Counter((row["referral_id"], row["kind"], row["to_status"]) for row in state.steps)
    for (referral_id, kind, to_status), count in steps.items():
        if count > 1:
            found.add("duplicated:state change twice", f"referral {referral_id} {kind} {to_status} x{count}")

    # More rows than the history asked for: an RPC (or a request) carried out twice.
    asked = Counter(r.operation for r in driver.requests if r.method == "POST")
    registered = {s.client_id for s in stories if s.client_id}
    for label, rows, requests_made in (
        ("client", state.clients, asked["register_client"]),
        ("team", state.teams, asked["create_team"]),
        ("consent", state.consents, asked["grant"]),
        ("member", [m for m in state.members if m["organisation"] in PARTNERS], asked["add_member"]),
        ("referral", state.referrals, asked["create_referral"]),
    ):
        if len(rows) > requests_made:
            found.add("duplicated:more rows than requests",
                      f"{len(rows)} {label}s for {requests_made} requests")
    known_referrals = {s.referral_id for s in stories if s.referral_id}
    for referral in state.referrals:
        if referral["id"] not in known_referrals and referral["client_id"] in registered:
            found.add(
                "duplicated:orphan referral (a create carried out twice)",
                f"{referral['id']} {referral['status']}",
            )
    per_client = Counter(c["client_id"] for c in state.consents)
    for client_id, count in per_client.items():
        if count > 1:
            found.add("duplicated:consent granted twice", f"{client_id} x{count}")

    # Disclosures: one log entry for each category given out in a partner message.
    shared_out: Counter[tuple[str, str, str]] = Counter()
    for row in requested.values():
        data = row["envelope"]["data"]
        for category in data.get("shared", {}):
            shared_out[(data["client_id"], data["target_organisation"], category)] += 1
    logged = Counter(
        (d["client_id"], d["organisation"], d["category"])
        for d in state.disclosures
        if d["kind"] == "disclosure" and d["purpose"] == "referral" and d["organisation"] in PARTNERS
    )
    for given in set(shared_out) | set(logged):
        if logged[given] > shared_out[given]:
            found.add("duplicated:disclosure logged more than given",
                      f"{given} {logged[given]} for {shared_out[given]}")
        elif logged[given] < shared_out[given]:
            found.add("lost:disclosure given but not logged",
                      f"{given} {logged[given]} for {shared_out[given]}")

    # The client side's own failures: requests that never got a final answer, stories cut short.
    for request in driver.requests:
        if request.status is None or request.status >= 500:
            found.add("client:request without a final answer", f"{request.operation} {request.errors[-3:]}")
    for story in stories:
        if story.outcome != "done":
            found.add("client:story cut short", f"{story.number} {story.kind}: {story.outcome}")
    return found


# -- the broker ----------------------------------------------------------------------------------


def dead_letters(api: str, state: State) -> tuple[list[str], list[str]]:
    """Each dead-lettered message, as accounted for (its event was handled after all, by a later copy)
    or not."""
    accounted: list[str] = []
    unaccounted: list[str] = []
    queues = requests.get(f"{api}/api/queues", timeout=10).json()
    for queue in queues:
        name, waiting = queue["name"], int(queue.get("messages", 0))
        if not name.endswith(".dead") or not waiting:
            continue
        consumer = name.removesuffix(".dead").split("--", 1)[1]
        messages = requests.post(f"{api}/api/queues/%2F/{name}/get", timeout=30, json={
            "count": waiting, "ackmode": "ack_requeue_true", "encoding": "auto"}).json()
        for message in messages:
            try:
                event_id = str(json.loads(message["payload"])["id"])
            except (ValueError, KeyError, TypeError):
                unaccounted.append(f"{name}: a message that is not an event")
                continue
            handled = (consumer, event_id) in state.processed.get(consumer.split(".", 1)[0], set())
            (accounted if handled else unaccounted).append(f"{name}: {event_id}")
    return accounted, unaccounted


def unpublished(state: State) -> dict[str, int]:
    return {
        service: sum(1 for row in rows if row["published_at"] is None)
        for service, rows in state.outboxes.items()
    }


# -- personal data where it does not belong --------------------------------------------------------

_HETU = re.compile(r"(?<![0-9A-Za-z])\d{6}[-+ABCDEFUVWXY]\d{3}[0-9A-Y](?![0-9A-Za-z])")
_NAME = re.compile(r"Kaaosnen Henkilo\d{5}")
_EMAIL = re.compile(r"kaaos\.henkilo\d{5}@asiakas\.example")
_PHONE = re.compile(r"\+358 40 7\d{6}")


def identity_codes(text: str) -> list[str]:
    """Personal identity codes in ``text``: the shape and a valid check character."""
    return [match for match in _HETU.findall(text) if hetu.is_valid(match)]


def personal(text: str) -> dict[str, int]:
    """What of the run's personal data ``text`` holds, by kind."""
    found = {
        "identity code": len(identity_codes(text)),
        "name": len(_NAME.findall(text)),
        "e-mail": len(_EMAIL.findall(text)),
        "phone": len(_PHONE.findall(text)),
    }
    return {kind: count for kind, count in found.items() if count}


@dataclass
class Scan:
    looked_at: Counter[str] = field(default_factory=Counter)
    findings: Findings = field(default_factory=Findings)

    def look(self, where: str, text: str, allowed: Iterable[str] = ()) -> None:
        self.looked_at[where] += 1
        for kind, count in personal(text).items():
            if kind not in allowed:
                self.findings.add(f"pii:{kind} in {where}", f"{count}x: {text[:160]!r}")


def scan(
    logs: Iterable[Path], tapped: list[dict[str, Any]], webhooks: list[dict[str, Any]], state: State
) -> Scan:
    result = Scan()
    for path in logs:
        for line in path.read_text(errors="replace").splitlines():
            result.look(f"log {path.name}", line)
    team_calls = {
        m["correlation_id"]
        for m in tapped
        if m["exchange"] == "nameko-rpc" and str(m["routing_key"]).startswith("team.")
    }
    for message in tapped:
        exchange = message["exchange"]
        if exchange == "nameko-rpc":
            # Requests to and answers from a service: a person's details go to the service that
            # keeps them (team, or the content of a referral) and back to the gateway's caller.
            # The identity code only ever to and from team.
            allowed = ["name", "e-mail", "phone"]
            if message["correlation_id"] in team_calls:
                allowed.append("identity code")
            result.look("broker rpc", message["body"], allowed)
        elif exchange == "tiimi.partners":
            body = _json(message["body"])
            shared = body.get("data", {}).pop("shared", None) if isinstance(body, dict) else None
            result.look("broker partner message", json.dumps(body))
            if shared is not None:  # what consent allowed is checked by the checker; never a code
                result.look("broker partner message (shared)", json.dumps(shared), ["name", "phone"])
        else:
            result.look(f"broker event ({exchange})", message["body"])
    for service, rows in state.outboxes.items():
        for row in rows:
            envelope = dict(row["envelope"])
            if service == "referral/partner":
                envelope["data"] = {k: v for k, v in envelope["data"].items() if k != "shared"}
            result.look(f"outbox {service}", json.dumps(envelope))
    for hook in webhooks:
        with_details = bool((hook["payload"] or {}).get("with_client_details"))
        result.look("webhook body", hook["body"], ["name"] if with_details else [])
    return result
