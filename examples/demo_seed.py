"""Seed a small demo into a running tiimi, once, so that a newcomer sees a living system.

Start tiimi first (``make run``), then: ``.venv/bin/python examples/demo_seed.py``.

In the county ``1234567-8``, around the key worker ``sw-1001``, it makes five
clients (Finnish, Swedish and English speakers) with a team each: the county's
social counsellor ``sc-2002`` and nurse ``nurse-5`` active on every team, the
NGO worker ``ngo-77`` (of ``0123456-7``) active on one team (consent given),
pending on another (no consent yet) and suspended on a third (consent
withdrawn); consents, a denial, a consent that ends within a week; referrals to
the NGO in each state of the closed loop (draft, requested, accepted, rejected,
cancelled, in_progress, on_hold, completed, failed, entered_in_error), the
NGO's answers given as the NGO's own desk ``desk-1``, plus one sent with a
deadline seconds away, which the deadline sweep soon marks overdue. The
services' own events then fill the key worker's inbox.

It runs once: when done it writes a marker file (``var/demo-seeded``) and on
later runs only says that the demo is there. If a step fails it says which and
writes no marker. It prints counts only: never a name or an identity code.
Like the tours, it uses nothing of tiimi's code: a nameko standalone RPC proxy
and plain data.
"""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from datetime import UTC, date, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

from amqp.exceptions import AMQPError  # noqa: E402
from kombu.exceptions import OperationalError  # noqa: E402
from nameko.exceptions import RpcTimeout, UnknownService  # noqa: E402
from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402
from stdnum.fi import hetu  # noqa: E402

# A health call that times out while the services start leaves py-amqp warning about late
# confirms on a closing channel: noise for the person running `make run`.
logging.getLogger("amqp").setLevel(logging.ERROR)

DEFAULT_AMQP_URI = os.environ.get("TIIMI_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
VAR = Path(os.environ.get("TIIMI_VAR_DIR", Path(__file__).parent.parent / "var"))
DEFAULT_MARKER = VAR / "demo-seeded"
# `make run` points every service at this movable clock; the seed's deadlines follow it.
CLOCK_OFFSET_FILE = Path(os.environ.get("TIIMI_CLOCK_OFFSET_FILE", VAR / "clock-offset"))
SERVICES = ("consent", "team", "referral", "notify")

COUNTY, NGO = "1234567-8", "0123456-7"
KEY_WORKER = {"professional_id": "sw-1001", "name": "Sanna Virtanen", "organisation": COUNTY,
              "role": "social_worker"}
COUNSELLOR = {"professional_id": "sc-2002", "name": "Mikko Korhonen", "organisation": COUNTY,
              "role": "social_counsellor"}
NURSE = {"professional_id": "nurse-5", "name": "Nina Lindholm", "organisation": COUNTY, "role": "nurse"}
NGO_WORKER = {"professional_id": "ngo-77", "name": "Alex Laine", "organisation": NGO, "role": "ngo_worker"}
ME = KEY_WORKER["professional_id"]
# The demo users' languages (deploy/oidc/users.json), so that their inboxes speak it too.
LANGUAGES = {"sw-1001": "fi", "sc-2002": "fi", "nurse-5": "sv", "ngo-77": "en"}
AS_REQUESTER = {"organisation": COUNTY, "professional_id": ME}
AS_PARTNER = {"organisation": NGO, "professional_id": "desk-1"}
STATES = ("draft", "requested", "accepted", "rejected", "cancelled", "in_progress", "on_hold",
          "completed", "failed", "entered_in_error")

# The partner's and the requester's steps to each state, with what each step needs.
REASON = "reason"
PATHS: dict[str, list[tuple[dict, str, dict]]] = {
    "draft": [],
    "requested": [(AS_REQUESTER, "requested", {})],
    "accepted": [(AS_REQUESTER, "requested", {}), (AS_PARTNER, "accepted", {})],
    "rejected": [(AS_REQUESTER, "requested", {}),
                 (AS_PARTNER, "rejected", {REASON: "no places in the group this spring"})],
    "cancelled": [(AS_REQUESTER, "requested", {}),
                  (AS_REQUESTER, "cancelled", {REASON: "the client found a place through the parish"})],
    "in_progress": [(AS_REQUESTER, "requested", {}), (AS_PARTNER, "accepted", {}),
                    (AS_PARTNER, "in_progress", {})],
    "on_hold": [(AS_REQUESTER, "requested", {}), (AS_PARTNER, "accepted", {}),
                (AS_PARTNER, "in_progress", {}),
                (AS_PARTNER, "on_hold", {REASON: "the client is in hospital for two weeks"})],
    "completed": [(AS_REQUESTER, "requested", {}), (AS_PARTNER, "accepted", {}),
                  (AS_PARTNER, "in_progress", {}),
                  (AS_PARTNER, "completed", {"outcome": {"code": "goal_met",
                                                         "summary": "joined the weekly peer group"}})],
    "failed": [(AS_REQUESTER, "requested", {}), (AS_PARTNER, "accepted", {}),
               (AS_PARTNER, "in_progress", {}),
               (AS_PARTNER, "failed", {REASON: "the client could not be reached after three tries"})],
    "entered_in_error": [(AS_REQUESTER, "requested", {}),
                         (AS_REQUESTER, "entered_in_error", {REASON: "sent for the wrong client"})],
}

# The demo's people. Made up; their identity codes are drawn afresh on each run.
CLIENTS = [
    {"name": "Aino Heikkinen", "language": "fi", "municipality": "837", "ngo": "active",
     "close_one": {"name": "Juha Heikkinen", "relation": "spouse"},
     "referrals": [("completed", "ngo_peer_support", "peer support after a long sick leave"),
                   ("requested", "ngo_peer_support", "an evening group as well", "overdue")]},
    {"name": "Erik Lindqvist", "language": "sv", "municipality": "837", "ngo": "pending",
     "referrals": [("draft", "housing_guidance", "help with a rent arrears plan"),
                   ("requested", "debt_counselling", "debts after a divorce")]},
    {"name": "Grace Mensah", "language": "en", "municipality": "837", "ngo": "suspended",
     "referrals": [("rejected", "social_rehabilitation", "day activities three times a week"),
                   ("cancelled", "ngo_peer_support", "peer support for newcomers")]},
    {"name": "Matti Laaksonen", "language": "fi", "municipality": "980", "ngo": None, "expiring": True,
     "denial": True,
     "referrals": [("accepted", "employment_services", "back to work after rehabilitation"),
                   ("failed", "substance_and_mental_health_services", "support for cutting down drinking"),
                   ("entered_in_error", "housing_guidance", "housing guidance")]},
    {"name": "Linnea Holm", "language": "sv", "municipality": "837", "ngo": None,
     "close_one": {"name": "Sofia Holm", "relation": "child"},
     "referrals": [("in_progress", "ngo_peer_support", "loneliness; weekly visits"),
                   ("on_hold", "service_need_assessment", "assessment of home care needs")]},
]


class SeedFailed(Exception):
    """A step of the seed failed; the message names the step (never personal data)."""


def made_up_identity_code(rng: random.Random) -> str:
    """A valid code (checksum and all) that can belong to no living person.

    The century sign ``+`` with a birth in the 1850s: codes were first issued in the
    1960s, to people alive then. (The team service refuses the 900-999 range, kept for
    temporary codes, so that range cannot serve here.)
    """
    while True:
        born = date(rng.randint(1850, 1859), 1, 1) + timedelta(days=rng.randint(0, 364))
        digits = f"{born:%d%m%y}{rng.randint(2, 899):03d}"
        code = f"{digits[:6]}+{digits[6:]}" + "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(digits) % 31]
        if hetu.is_valid(code):
            return code


def now() -> datetime:
    """The local system's time: the wall clock, moved by ``var/clock-offset`` as the services are."""
    try:
        offset = float(CLOCK_OFFSET_FILE.read_text().strip() or 0)
    except (OSError, ValueError):
        offset = 0.0
    return datetime.now(UTC) + timedelta(seconds=offset)


def wait_for_services(amqp_uri: str, seconds: float) -> str | None:
    """None once every service answers ``health``; otherwise why not, after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=2) as rpc:
                silent = []
                for name in SERVICES:
                    try:
                        getattr(rpc, name).health()
                    except (RpcTimeout, UnknownService):
                        silent.append(name)
            problem = f"no answer from {', '.join(silent)}" if silent else None
        except (OSError, OperationalError) as error:
            problem = f"RabbitMQ is not reachable ({error})"
        except AMQPError as error:  # a wrong vhost or password: waiting will not help
            return f"RabbitMQ refused the connection ({error})"
        if problem is None or time.monotonic() > deadline:
            return problem
        time.sleep(1)


def eventually(check, timeout: float = 10.0):
    """``check()``'s first truthy answer, or its last answer when ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


class Seeder:
    def __init__(self, rpc, rng: random.Random, overdue_after: float = 5.0):
        self.rpc = rpc
        self.rng = rng
        self.overdue_after = overdue_after
        self.step = "starting"
        self.counts: Counter[str] = Counter()

    def doing(self, step: str) -> None:
        self.step = step

    def languages(self) -> None:
        """The demo users' languages, for whoever has no preferences yet."""
        self.doing("setting the demo users' languages")
        for recipient_id, language in LANGUAGES.items():
            try:
                self.rpc.notify.get_preferences(recipient_id=recipient_id)
            except Exception as error:
                # NotFound: a RemoteError here; tiimi_shared's own type where that is imported (tests).
                if "NotFound" not in (getattr(error, "exc_type", None), type(error).__name__):
                    raise
                self.rpc.notify.set_preferences(recipient_id=recipient_id, language=language)
                self.counts["languages set"] += 1

    def grant(self, client_id: str, categories: list[str], purposes: list[str], **extra) -> dict:
        self.counts["consents"] += 1
        return self.rpc.consent.grant(client_id=client_id, given_by={"kind": "client"},
                                      recipient_organisation=NGO, categories=categories, purposes=purposes,
                                      method="written", recorded_by=ME, **extra)

    def member_status(self, team_id: str, member_id: str, wanted: str) -> str:
        def status() -> str:
            members = self.rpc.team.get_team(team_id=team_id)["members"]
            return {m["id"]: m["status"] for m in members}[member_id]
        reached = eventually(lambda: status() == wanted)
        if not reached:
            raise SeedFailed(f"the NGO worker did not become {wanted} (now {status()})")
        return wanted

    def client(self, number: int, person: dict) -> None:
        team_rpc = self.rpc.team
        self.doing(f"registering client {number}")
        client = team_rpc.register_client(
            name=person["name"], personal_identity_code=made_up_identity_code(self.rng),
            preferred_language=person["language"], municipality=person["municipality"], registered_by=ME)
        client_id = client["id"]
        self.counts["clients"] += 1

        self.doing(f"making client {number}'s team")
        team = team_rpc.create_team(client_id=client_id, organisation=COUNTY, created_by=ME,
                                    key_worker=KEY_WORKER)
        self.counts["teams"] += 1
        self.counts["members active"] += 1  # the key worker
        for professional in (COUNSELLOR, NURSE):
            member = team_rpc.add_member(team_id=team["id"], kind="professional", added_by=ME,
                                         professional=professional)
            self.counts[f"members {member['status']}"] += 1
        if "close_one" in person:
            member = team_rpc.add_member(team_id=team["id"], kind="close_one", added_by=ME,
                                         **person["close_one"])
            self.counts[f"members {member['status']}"] += 1

        self.doing(f"recording client {number}'s consents")
        ngo = person.get("ngo")
        if ngo == "active":
            # Added first, pending; the consent makes the team service activate them.
            member = team_rpc.add_member(team_id=team["id"], kind="professional", added_by=ME,
                                         professional=NGO_WORKER)
            self.grant(client_id, ["basic", "team", "assessment"], ["team_coordination", "referral"])
            self.counts[f"members {self.member_status(team['id'], member['id'], 'active')}"] += 1
        elif ngo == "pending":
            # Consent for referrals only: not enough for the team, so the NGO worker waits.
            self.grant(client_id, ["basic"], ["referral"])
            member = team_rpc.add_member(team_id=team["id"], kind="professional", added_by=ME,
                                         professional=NGO_WORKER)
            self.counts[f"members {self.member_status(team['id'], member['id'], 'pending_consent')}"] += 1
        elif ngo == "suspended":
            given = self.grant(client_id, ["basic", "team"], ["team_coordination"])
            self.grant(client_id, ["basic"], ["referral"])
            member = team_rpc.add_member(team_id=team["id"], kind="professional", added_by=ME,
                                         professional=NGO_WORKER)
            self.member_status(team["id"], member["id"], "active")
            self.rpc.consent.withdraw(consent_id=given["id"], withdrawn_by=ME,
                                      reason="the client no longer wants the NGO in the team")
            self.counts["consents withdrawn"] += 1
            self.counts[f"members {self.member_status(team['id'], member['id'], 'suspended')}"] += 1
        elif person.get("expiring"):
            until = now() + timedelta(days=5)
            self.grant(client_id, ["basic", "employment"], ["referral"], valid_until=until.isoformat())
            self.counts["consents ending within a week"] += 1
        else:
            self.grant(client_id, ["basic"], ["referral"])
        if person.get("denial"):
            self.rpc.consent.deny(client_id=client_id, organisation=None, categories=["health"],
                                  reason="the client does not want health data shared", recorded_by=ME)
            self.counts["denials"] += 1
        if ngo != "pending":
            self.doing(f"activating client {number}'s team")
            team_rpc.change_team_status(team_id=team["id"], status="active", changed_by=ME)

        for state, service, reason, *overdue in person["referrals"]:
            self.referral(number, client_id, person, state, service, reason, overdue=bool(overdue))

    def referral(self, number: int, client_id: str, person: dict, state: str, service: str,
                 reason: str, overdue: bool = False) -> None:
        self.doing(f"making client {number}'s referral that ends {state}")
        accept_by = now() + (timedelta(seconds=self.overdue_after) if overdue
                           else timedelta(days=self.rng.randint(3, 10)))
        made = self.rpc.referral.create_referral(
            client_id=client_id, requesting_organisation=COUNTY, requested_by=ME, target_organisation=NGO,
            service=service, priority="routine", reason=reason, accept_by=accept_by.isoformat(),
            share={"basic": {"name": person["name"], "language": person["language"]},
                   "health": {"summary": "see the care plan"}})
        status = made["status"]
        for by, to, extra in PATHS[state]:
            self.doing(f"moving client {number}'s referral to {to} (on the way to {state})")
            status = self.rpc.referral.change_status(referral_id=made["id"], status=to, by=by,
                                                     **extra)["status"]
        if status != state:
            raise SeedFailed(f"client {number}'s referral ended {status}, not {state}")
        self.counts[f"referrals {state}"] += 1
        if overdue:
            self.counts["referrals soon overdue"] += 1

    def unread(self, settle: float) -> int:
        """The key worker's unread inbox items, once notify has had ``settle`` seconds without news."""
        self.doing("reading the key worker's inbox")

        def count() -> int:
            return len(self.rpc.notify.list_inbox(recipient_id=ME, unread_only=True, limit=500))
        last, quiet_since, deadline = -1, time.monotonic(), time.monotonic() + 20
        while time.monotonic() < deadline:
            seen = count()
            if seen != last:
                last, quiet_since = seen, time.monotonic()
            elif seen and time.monotonic() - quiet_since >= settle:
                break
            time.sleep(0.3)
        return last


def summary(counts: Counter[str], unread: int) -> str:
    members = ", ".join(f"{counts[f'members {s}']} {s}" for s in ("active", "pending_consent", "suspended"))
    referrals = ", ".join(f"{counts[f'referrals {s}']} {s}" for s in STATES)
    return (f"demo seeded for key worker {ME}: {counts['clients']} clients, {counts['teams']} teams "
            f"(members: {members}); {counts['consents']} consents ({counts['consents withdrawn']} withdrawn, "
            f"{counts['consents ending within a week']} ending within a week), {counts['denials']} denial; "
            f"referrals: {referrals} ({counts['referrals soon overdue']} soon overdue); "
            f"{unread} unread inbox items for {ME}")


def seed(amqp_uri: str, marker: Path, wait: float = 20.0, settle: float = 2.0,
         overdue_after: float = 5.0) -> int:
    """Seed once; 0 when seeded or already there, 1 when a step failed, 2 when tiimi is not running."""
    if marker.exists():
        print(f"demo seed: already there ({marker}); nothing to do")
        return 0
    problem = wait_for_services(amqp_uri, wait)
    if problem:
        print(f"demo seed: tiimi is not running at {amqp_uri.split('@')[-1]} ({problem}); "
              "start it first with `make run`", file=sys.stderr)
        return 2
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=20) as rpc:
        seeder = Seeder(rpc, random.Random(), overdue_after=overdue_after)
        try:
            seeder.languages()
            for number, person in enumerate(CLIENTS, start=1):
                seeder.client(number, person)
            unread = seeder.unread(settle)
        except Exception as error:  # any failure: say which step, leave no marker
            print(f"demo seed: failed while {seeder.step}: {type(error).__name__}: {error}; "
                  "no marker written, the next run tries again (what was made stays)", file=sys.stderr)
            return 1
    line = summary(seeder.counts, unread)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"seeded_at": datetime.now(UTC).isoformat(),
                                  "counts": dict(seeder.counts), "unread": unread}, indent=2) + "\n")
    print(line)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--amqp", default=DEFAULT_AMQP_URI, help="the broker tiimi runs on")
    parser.add_argument("--marker", type=Path, default=DEFAULT_MARKER,
                        help="written when the demo is seeded; while it exists, nothing is done")
    parser.add_argument("--wait", type=float, default=20.0,
                        help="seconds to wait for the services to answer before giving up")
    args = parser.parse_args(argv)
    try:
        return seed(args.amqp, args.marker, wait=args.wait)
    except KeyboardInterrupt:  # Ctrl-C on `make run` reaches the seed too: no traceback
        print("demo seed: interrupted; no marker written, the next run tries again", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
