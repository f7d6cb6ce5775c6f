"""The client side of the chaos run: stories told through the gateway's HTTP API, and their history.

Each story is one client: registered, a team made, a consent granted to a partner
organisation, a professional of that organisation added (before or after the consent),
a referral drafted and sent, and then, by the story's kind, the consent kept,
withdrawn once the partner has taken the referral, or left to expire.

Every mutating request carries an ``Idempotency-Key``; a request that fails in flight
(no answer, a dropped connection, a 5xx while a service restarts) is sent again with
the same key and the same body. Every request, its tries and its final answer go into
the history, which is what the checker holds the system to.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

COUNTY = "1234567-8"
# Accepts, starts and completes every referral it is sent (over AMQP).
SERVING_PARTNER = "0123456-7"
# Accepts and starts, and keeps the referral open; it also has a webhook.
HOLDING_PARTNER = "7654321-0"
PARTNERS = (SERVING_PARTNER, HOLDING_PARTNER)

KINDS = (("served", 0.45), ("withdrawn", 0.2), ("expiring", 0.15), ("kept", 0.2))
RETRY_FOR = 150.0  # seconds a request is tried again before the story gives up
CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def identity_code(number: int) -> str:
    """A valid personal identity code of a made-up person born in 1952 (individual numbers 900-999 are
    for temporary codes; these stay below)."""
    day, month = 1 + number % 28, 1 + (number // 28) % 12
    individual = 2 + (number // 336) % 890
    date = f"{day:02d}{month:02d}52"
    return f"{date}-{individual:03d}{CHECK[int(date + f'{individual:03d}') % 31]}"


@dataclass
class Person:
    number: int

    @property
    def name(self) -> str:
        return f"Kaaosnen Henkilo{self.number:05d}"

    @property
    def code(self) -> str:
        return identity_code(self.number)

    @property
    def email(self) -> str:
        return f"kaaos.henkilo{self.number:05d}@asiakas.example"

    @property
    def phone(self) -> str:
        return f"+358 40 7{self.number:06d}"


@dataclass
class Request:
    story: int
    operation: str
    method: str
    path: str
    key: str | None
    tries: int = 0
    status: int | None = None
    answer: dict[str, Any] | None = None
    errors: list[str] = field(default_factory=list)
    began: float = 0.0
    ended: float = 0.0


@dataclass
class Story:
    number: int
    kind: str
    partner: str
    member_first: bool
    person: Person
    key_worker: str
    client_id: str | None = None
    team_id: str | None = None
    consent_id: str | None = None
    consent_until: datetime | None = None
    member_id: str | None = None
    member_professional: str | None = None
    referral_id: str | None = None
    sent: bool = False
    withdrawn: bool = False
    outcome: str = "running"  # done, or where it stopped and why
    notes: list[str] = field(default_factory=list)


class Driver:
    def __init__(
        self, gateway: str, mint: Callable[[str, str, bool], str], expiry_seconds: float, seed: int = 14
    ):
        self.gateway = gateway
        self.mint = mint
        self.expiry_seconds = expiry_seconds
        self.random = random.Random(seed)
        self.requests: list[Request] = []
        self.stories: list[Story] = []
        self._lock = threading.Lock()
        self._local = threading.local()
        self._tokens: dict[str, str] = {}
        self.stopping = threading.Event()  # set: no more tries, no more stories

    # -- HTTP with retries ------------------------------------------------------------------

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def token(self, subject: str, organisation: str, partner: bool = False) -> str:
        with self._lock:
            if subject not in self._tokens:
                self._tokens[subject] = self.mint(subject, organisation, partner)
            return self._tokens[subject]

    def call(
        self,
        story: Story,
        operation: str,
        method: str,
        path: str,
        token: str,
        body: dict[str, Any] | None = None,
    ) -> Request:
        mutating = method != "GET"
        request = Request(story.number, operation, method, path, str(uuid.uuid4()) if mutating else None)
        with self._lock:
            self.requests.append(request)
        headers = {"Authorization": f"Bearer {token}"}
        if request.key:
            headers["Idempotency-Key"] = request.key
        request.began = time.time()
        deadline = time.monotonic() + RETRY_FOR
        while True:
            request.tries += 1
            try:
                response = self._session().request(
                    method,
                    f"{self.gateway}{path}",
                    json=body if mutating else None,
                    headers=headers,
                    timeout=30,
                )
                request.status = response.status_code
                if response.status_code < 500 and response.status_code != 429:
                    try:
                        request.answer = response.json()
                    except ValueError:
                        request.answer = None
                    break
                request.errors.append(f"HTTP {response.status_code}")
            except requests.RequestException as error:
                request.status = None
                request.errors.append(type(error).__name__)
            if time.monotonic() > deadline or self.stopping.wait(min(0.5 * request.tries, 3.0)):
                break
        request.ended = time.time()
        return request

    # -- one story -------------------------------------------------------------------------------

    def new_story(self, number: int) -> Story:
        draw, kind = self.random.random(), "served"
        for name, share in KINDS:
            if draw < share:
                kind = name
                break
            draw -= share
        partner = SERVING_PARTNER if kind == "served" else HOLDING_PARTNER
        story = Story(
            number,
            kind,
            partner,
            member_first=self.random.random() < 0.5,
            person=Person(number),
            key_worker=f"kw-{number % 25}",
        )
        with self._lock:
            self.stories.append(story)
        return story

    def tell(self, story: Story) -> None:
        try:
            self._tell(story)
            if story.outcome == "running":
                story.outcome = "done"
        except Exception as error:  # one story's surprise must not stop the run; it is reported
            story.outcome = f"crashed: {type(error).__name__}: {error}"

    def _tell(self, story: Story) -> None:
        kw = self.token(story.key_worker, COUNTY)
        person = story.person
        registered = self.call(
            story,
            "register_client",
            "POST",
            "/clients",
            kw,
            {
                "name": person.name,
                "personal_identity_code": person.code,
                "preferred_language": "fi",
                "municipality": "837",
                "contact": {"email": person.email, "phone": person.phone},
            },
        )
        if registered.status != 201:
            story.outcome = f"register_client answered {registered.status}"
            return
        story.client_id = registered.answer["id"] if registered.answer else None
        made = self.call(
            story,
            "create_team",
            "POST",
            "/teams",
            kw,
            {"client_id": story.client_id, "name": f"Worker {story.key_worker}", "role": "social_worker"},
        )
        if made.status != 201:
            story.outcome = f"create_team answered {made.status}"
            return
        story.team_id = made.answer["id"] if made.answer else None
        story.member_professional = f"pro-{story.partner[:7]}-{story.number}"
        if story.member_first and not self._add_member(story, kw):
            return
        until = None
        if story.kind == "expiring":
            until = datetime.now(UTC) + timedelta(seconds=self.expiry_seconds)
            story.consent_until = until
        grant = {
            "given_by": {"kind": "client"},
            "recipient_organisation": story.partner,
            "categories": ["basic", "team"],
            "purposes": ["team_coordination", "referral"],
            "method": "written",
        }
        if until is not None:
            grant["valid_until"] = until.isoformat()
        granted = self.call(story, "grant", "POST", f"/clients/{story.client_id}/consents", kw, grant)
        if granted.status != 201:
            story.outcome = f"grant answered {granted.status}"
            return
        story.consent_id = granted.answer["id"] if granted.answer else None
        if not story.member_first and not self._add_member(story, kw):
            return
        drafted = self.call(
            story,
            "create_referral",
            "POST",
            "/referrals",
            kw,
            {
                "client_id": story.client_id,
                "target_organisation": story.partner,
                "service": "ngo_peer_support",
                "reason": "needs peer support",
                "accept_by": (datetime.now(UTC) + timedelta(days=3)).isoformat(),
                "share": {
                    "basic": {"name": person.name, "phone": person.phone},
                    "health": {"note": "not shared"},
                },
            },
        )
        if drafted.status != 201:
            story.outcome = f"create_referral answered {drafted.status}"
            return
        story.referral_id = drafted.answer["id"] if drafted.answer else None
        sent = self.call(story, "send_referral", "POST", f"/referrals/{story.referral_id}/send", kw, {})
        if sent.status == 409 and sent.tries > 1:
            # The first try may have been carried out and its answer lost: ask what became of it.
            seen = self.call(story, "get_referral", "GET", f"/referrals/{story.referral_id}", kw)
            if seen.answer and seen.answer.get("status") not in (None, "draft"):
                story.notes.append("send's answer lost; the referral was sent")
                sent.status = 200
        if sent.status != 200:
            story.outcome = f"send_referral answered {sent.status}"
            return
        story.sent = True
        if story.kind == "withdrawn":
            self._wait_for_partner(story, kw)
            withdrawn = self.call(
                story,
                "withdraw",
                "POST",
                f"/clients/{story.client_id}/consents/{story.consent_id}/withdraw",
                kw,
                {"reason": "client withdrew"},
            )
            if withdrawn.status == 409 and withdrawn.tries > 1:
                story.notes.append("withdraw's answer lost; refused again as already withdrawn")
                withdrawn.status = 200
            if withdrawn.status != 200:
                story.outcome = f"withdraw answered {withdrawn.status}"
                return
            story.withdrawn = True

    def _add_member(self, story: Story, kw: str) -> bool:
        added = self.call(
            story,
            "add_member",
            "POST",
            f"/teams/{story.team_id}/members",
            kw,
            {
                "kind": "professional",
                "professional": {
                    "professional_id": story.member_professional,
                    "name": f"Pro {story.number}",
                    "organisation": story.partner,
                    "role": "ngo_worker",
                },
            },
        )
        if added.status != 201:
            story.outcome = f"add_member answered {added.status}"
            return False
        story.member_id = added.answer["id"] if added.answer else None
        return True

    def _wait_for_partner(self, story: Story, kw: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen = self.call(story, "get_referral", "GET", f"/referrals/{story.referral_id}", kw)
            if seen.answer and seen.answer.get("status") in ("accepted", "in_progress"):
                return
            time.sleep(1.0)
        story.notes.append("the partner had not answered before the withdrawal")

    # -- the load ------------------------------------------------------------------------------

    def run(self, stories: int, rate: float, workers: int, stop: threading.Event) -> None:
        """Start ``stories`` stories at ``rate`` a second (a steady rate, not as fast as possible)."""
        began = time.monotonic()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for number in range(stories):
                if stop.is_set() or self.stopping.is_set():
                    break
                due = began + number / rate
                pause = due - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                pool.submit(self.tell, self.new_story(number))
