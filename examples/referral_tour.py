"""A tour of a referral's closed loop, with two example partners listening.

Start tiimi first (``make run``), then: ``.venv/bin/python examples/referral_tour.py``.
It starts two copies of ``examples/partner.py``: the target organisation,
which accepts, starts and completes what it is sent, and another partner,
which should receive nothing. It then moves the local clock (the file
``make run`` points every service at) to show an unaccepted referral becoming
overdue, and puts the clock back. Nothing of tiimi's code is used: a nameko
standalone RPC proxy, subprocesses and plain data.
"""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()

import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402
from tour import eventually, made_up_identity_code, run  # noqa: E402

AMQP_URI = os.environ.get("TIIMI_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
HERE = Path(__file__).parent
CLOCK_FILE = Path(os.environ.get("TIIMI_VAR_DIR", HERE.parent / "var")) / "clock-offset"
DEADLINE_INTERVAL = float(os.environ.get("TIIMI_DEADLINE_INTERVAL", "10"))
COUNTY, NGO, OTHER = "1234567-8", "0123456-7", "7654321-0"
WORKER = {"organisation": COUNTY, "professional_id": "sw-1001"}




def partner(organisation: str, *extra: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, str(HERE / "partner.py"), "--organisation", organisation, "--json",
         "--amqp-uri", AMQP_URI, "--idle-exit", "8", *extra], stdout=subprocess.PIPE, text=True)
    first = json.loads(process.stdout.readline())
    print(f"- partner {organisation} listening on {first['queue']}")
    return process




def move_clock(seconds: float) -> None:
    CLOCK_FILE.parent.mkdir(parents=True, exist_ok=True)
    current = float(CLOCK_FILE.read_text() or 0) if CLOCK_FILE.exists() else 0.0
    CLOCK_FILE.write_text(str(current + seconds))


def main() -> int:
    target, other = partner(NGO, "--answer"), partner(OTHER)
    ok = True
    with ClusterRpcProxy({"AMQP_URI": AMQP_URI}, timeout=20) as rpc:
        client = rpc.team.register_client(
            name="Made-up Person", personal_identity_code=made_up_identity_code(), preferred_language="fi",
            municipality="837", registered_by="sw-1001")
        rpc.team.create_team(
            client_id=client["id"], organisation=COUNTY, created_by="sw-1001",
            key_worker={"professional_id": "sw-1001", "name": "S. Social", "organisation": COUNTY,
                        "role": "social_worker"})
        print(f"- registered client {client['id']} with a team; key worker sw-1001")
        rpc.consent.grant(
            client_id=client["id"], given_by={"kind": "client"}, recipient_organisation=NGO,
            categories=["basic"], purposes=["referral"], method="written", recorded_by="sw-1001")
        print(f"- consent: `basic` may go to {NGO} for referral; `health` may not")

        accept_by = datetime.now(UTC) + timedelta(days=2)
        referral = rpc.referral.create_referral(
            client_id=client["id"], requesting_organisation=COUNTY, requested_by="sw-1001",
            target_organisation=NGO, service="ngo_peer_support", priority="routine",
            reason="peer support after a long hospital stay", accept_by=accept_by.isoformat(),
            share={"basic": {"name": "Made-up Person", "language": "fi"},
                   "health": {"summary": "not for the partner"}})
        sent = rpc.referral.change_status(referral_id=referral["id"], status="requested", by=WORKER)
        print(f"- sent referral {referral['id']}: shared {sent['shared_categories']}, "
              f"withheld {sent['withheld']}")

        def completed():
            seen = rpc.referral.get_referral(referral_id=referral["id"], organisation=COUNTY)
            return seen if seen["status"] == "completed" else None

        final = eventually(completed, timeout=30)
        if not final:
            print("! the partner did not complete the referral; is the referral service running?")
            ok = False
        else:
            print("- history as the requester sees it:")
            for step in final["history"]:
                print(f"    {step['at'][:19]}  {step['from_status'] or '':>12} -> {step['to_status']:<12}"
                      f" by {step['by']} ({step['by_organisation']})")
            print(f"  outcome: {final['outcome']}")

        # A second referral that nobody answers: move the clock past its deadline.
        waiting = rpc.referral.create_referral(
            client_id=client["id"], requesting_organisation=COUNTY, requested_by="sw-1001",
            target_organisation=OTHER, service="housing_guidance", priority="routine",
            reason="housing", accept_by=accept_by.isoformat(), share={"basic": {"language": "fi"}})
        rpc.referral.change_status(referral_id=waiting["id"], status="requested", by=WORKER)
        move_clock(timedelta(days=3).total_seconds())
        print(f"- moved the local clock 3 days on; the deadline sweep runs every {DEADLINE_INTERVAL:g} s")
        try:
            kinds = eventually(lambda: [s["kind"] for s in rpc.referral.get_referral(
                referral_id=waiting["id"], organisation=COUNTY)["history"] if s["kind"] == "overdue"],
                timeout=DEADLINE_INTERVAL + 10)
        finally:
            move_clock(-timedelta(days=3).total_seconds())
        print(f"- referral to {OTHER} not accepted in time: {'overdue' if kinds else 'NOT overdue'}"
              "; the clock is back")
        ok = ok and bool(kinds)

    target_lines = [json.loads(line) for line in target.communicate(timeout=60)[0].splitlines()]
    other_lines = [json.loads(line) for line in other.communicate(timeout=60)[0].splitlines()]
    # Only this run's referrals: the partner's queue may still hold messages of earlier runs.
    received = [line["envelope"] for line in target_lines if line["kind"] == "message"
                and line["envelope"]["data"]["referral_id"] == referral["id"]]
    print(f"- {NGO} received {[m['type'] for m in received]} with shared "
          f"{[sorted(m['data'].get('shared', {})) for m in received]}")
    # The second referral went to OTHER: it got that one, and nothing of the first.
    other_got = [line["envelope"]["data"]["referral_id"] for line in other_lines if line["kind"] == "message"]
    print(f"- {OTHER} received {len(other_got)} message(s), none about the first referral: "
          f"{referral['id'] not in other_got}")
    only_basic = all(sorted(m["data"].get("shared", {})) == ["basic"] for m in received)
    ok = ok and bool(received) and only_basic and referral["id"] not in other_got
    print("tour done" if ok else "tour found a problem")
    return 0 if ok else 1


if __name__ == "__main__":
    run(main)
