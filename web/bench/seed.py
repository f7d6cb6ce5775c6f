"""200 clients for the demo key worker sw-1001, made through the gateway's public API.

Each client gets a team whose key worker is sw-1001 (organisation 1234567-8), and
enough beside it that the "needs me" badges of My clients have work to do:

* every 4th client: the NGO worker ngo-77 added without the client's consent
  (a member pending consent);
* every 5th: a consent that ends within a week (a consent ending);
* every 3rd: a referral to the NGO sent with an acceptance deadline seconds
  away, so that it is overdue by the time anything is measured;
* every 7th: a referral the NGO's desk desk-1 has accepted (recently answered);
* the rest: a plain consent for referrals, valid for a year.

Most teams are set active; every 6th stays proposed. Names are made up from
two short lists, so a search for a first and a last name finds exactly one.
"""
from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any

import requests
from stdnum.fi import hetu

COUNTY, NGO = "1234567-8", "0123456-7"
KEY_WORKER = {"id": "sw-1001", "name": "Sanna Virtanen", "role": "social_worker"}
NGO_WORKER = {"professional_id": "ngo-77", "name": "Alex Laine", "organisation": NGO, "role": "ngo_worker"}
PARTNER_DESK = "desk-1"
# No name is a part of another, so a search for one first and one last name finds one client.
FIRST_NAMES = ("Aino", "Eino", "Helmi", "Väinö", "Linnea", "Onni", "Kerttu", "Toivo", "Elsa", "Urho",
               "Ilona", "Lauri", "Saimi", "Veikko", "Hilja", "Matias", "Iida", "Kalle", "Selma", "Rasmus")
LAST_NAMES = ("Heikkinen", "Lindqvist", "Korhonen", "Mäkelä", "Nieminen", "Holm", "Laaksonen",
              "Salonen", "Turunen", "Björk")
LANGUAGES = ("fi", "fi", "fi", "sv", "en")
# An overdue referral's acceptance deadline, from the moment it is made.
OVERDUE_AFTER = timedelta(seconds=20)


def names(count: int) -> list[str]:
    every = [f"{first} {last}" for last in LAST_NAMES for first in FIRST_NAMES]
    if count > len(every):
        raise ValueError(f"at most {len(every)} made-up names")
    return every[:count]


def made_up_identity_code(rng: random.Random) -> str:
    """A valid code that can belong to no living person: a birth in the 1850s (as examples/demo_seed.py)."""
    while True:
        born = date(rng.randint(1850, 1859), 1, 1) + timedelta(days=rng.randint(0, 364))
        digits = f"{born:%d%m%y}{rng.randint(2, 899):03d}"
        code = f"{digits[:6]}+{digits[6:]}" + "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(digits) % 31]
        if hetu.is_valid(code):
            return code


class Api:
    """The gateway's public API as one caller (a bearer token) sees it."""

    def __init__(self, base: str, token: str):
        self.base = base
        self.headers = {"Authorization": f"Bearer {token}"}

    def post(self, path: str, body: dict[str, Any]) -> Any:
        # One connection a call: the seeding threads share no session.
        response = requests.post(self.base + path, json=body, headers=self.headers, timeout=30)
        if response.status_code >= 400:
            raise RuntimeError(f"POST {path.split('/')[1]}... answered {response.status_code}: "
                               f"{response.text[:300]}")
        return response.json()


class Seeder:
    def __init__(self, api: Api, partner: Api, rng: random.Random):
        self.api, self.partner, self.rng = api, partner, rng
        self.counts: Counter[str] = Counter()
        self.overdue_at: datetime | None = None
        self.lock = threading.Lock()

    def count(self, what: str) -> None:
        with self.lock:
            self.counts[what] += 1

    def grant(self, client_id: str, categories: list[str], purposes: list[str], until: datetime) -> None:
        self.api.post(f"/clients/{client_id}/consents", {
            "given_by": {"kind": "client"}, "recipient_organisation": NGO, "categories": categories,
            "purposes": purposes, "valid_until": until.isoformat(), "method": "written"})
        self.count("consents")

    def referral(self, client_id: str, accept_by: datetime) -> str:
        made = self.api.post("/referrals", {
            "client_id": client_id, "target_organisation": NGO, "service": "ngo_peer_support",
            "reason": "peer support", "priority": "routine", "accept_by": accept_by.isoformat(),
            "share": {"basic": {"language": "fi"}}})
        self.api.post(f"/referrals/{made['id']}/send", {})
        self.count("referrals sent")
        return str(made["id"])

    def client(self, number: int, name: str) -> None:
        client = self.api.post("/clients", {
            "name": name, "personal_identity_code": made_up_identity_code(self.rng),
            "preferred_language": LANGUAGES[number % len(LANGUAGES)], "municipality": "837"})
        client_id = client["id"]
        team = self.api.post("/teams", {"client_id": client_id, "name": KEY_WORKER["name"],
                                        "role": KEY_WORKER["role"]})
        self.count("clients with a team")
        now = datetime.now(UTC)
        if number % 5 == 0:
            self.grant(client_id, ["basic"], ["referral"], now + timedelta(days=5))
            self.count("consents ending within a week")
        else:
            self.grant(client_id, ["basic"], ["referral"], now + timedelta(days=365))
        if number % 4 == 0:
            self.api.post(f"/teams/{team['id']}/members",
                          {"kind": "professional", "professional": NGO_WORKER})
            self.count("members pending consent")
        if number % 6 != 0:
            self.api.post(f"/teams/{team['id']}/status", {"status": "active"})
            self.count("teams active")
        if number % 3 == 0:
            accept_by = datetime.now(UTC) + OVERDUE_AFTER
            self.referral(client_id, accept_by)
            with self.lock:
                self.overdue_at = max(self.overdue_at or accept_by, accept_by)
            self.count("referrals soon overdue")
        if number % 7 == 0:
            referral_id = self.referral(client_id, datetime.now(UTC) + timedelta(days=7))
            self.partner.post(f"/partner/referrals/{referral_id}/accept", {})
            self.count("referrals accepted")


def seed(base: str, token: str, partner_token: str, count: int, workers: int = 4,
         say: Callable[[str], None] = print) -> Seeder:
    """Seed ``count`` clients with ``workers`` callers at once; raises on the first refusal."""
    seeder = Seeder(Api(base, token), Api(base, partner_token), random.Random(12))
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        done = 0
        for _ in pool.map(lambda item: seeder.client(*item), enumerate(names(count))):
            done += 1
            if done % 50 == 0:
                say(f"bench-web: seeded {done}/{count} clients ({time.monotonic() - started:.0f} s)")
    return seeder
