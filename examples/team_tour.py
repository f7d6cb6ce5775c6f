"""A tour of the team service from outside, over RPC, with the consent gate at work.

Start tiimi first (``make run``), then: ``.venv/bin/python examples/team_tour.py``.
It uses nothing of tiimi's code: a nameko standalone RPC proxy, a kombu queue
watching the events, and plain data.
"""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()

import os  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

from kombu import Connection, Exchange, Queue  # noqa: E402
from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402
from tour import made_up_identity_code, run  # noqa: E402

AMQP_URI = os.environ.get("TIIMI_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
COUNTY, NGO = "1234567-8", "0123456-7"




def member_status(team, team_id, member_id, wanted, timeout=10.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        status = {m["id"]: m["status"] for m in team.get_team(team_id=team_id)["members"]}[member_id]
        if status == wanted or time.monotonic() > deadline:
            return status
        time.sleep(0.2)


def main() -> int:
    code = made_up_identity_code()
    with Connection(AMQP_URI) as connection, ClusterRpcProxy({"AMQP_URI": AMQP_URI}, timeout=20) as rpc:
        channel = connection.default_channel
        watch = Queue("tour-" + uuid.uuid4().hex, auto_delete=True)(channel)
        watch.declare()
        for source in ("team", "consent"):
            exchange = Exchange(f"{source}.events", type="topic", durable=True)
            exchange(channel).declare()
            watch.bind_to(exchange, routing_key="#")

        client = rpc.team.register_client(name="Made-up Person", personal_identity_code=code,
                                          preferred_language="fi", municipality="837",
                                          registered_by="sw-1001")
        print(f"- registered client {client['id']}")
        team = rpc.team.create_team(client_id=client["id"], organisation=COUNTY, created_by="sw-1001",
                                    key_worker={"professional_id": "sw-1001", "name": "Key Worker",
                                                "organisation": COUNTY, "role": "social_worker"})
        print(f"- team {team['id']}, key worker {team['key_worker']['professional_id']}")
        nurse = rpc.team.add_member(team_id=team["id"], kind="professional", added_by="sw-1001",
                                    professional={"professional_id": "n-1", "name": "Nurse",
                                                  "organisation": COUNTY, "role": "nurse"})
        print(f"- nurse of the county added: {nurse['status']}")
        ngo = rpc.team.add_member(team_id=team["id"], kind="professional", added_by="sw-1001",
                                  professional={"professional_id": "ngo-77", "name": "NGO Worker",
                                                "organisation": NGO, "role": "ngo_worker"})
        print(f"- NGO worker added: {ngo['status']}")
        consent = rpc.consent.grant(client_id=client["id"], given_by={"kind": "client"},
                                    recipient_organisation=NGO, categories=["basic", "team"],
                                    purposes=["team_coordination"], method="written", recorded_by="sw-1001")
        print(f"- consent to the NGO granted; the NGO worker is now "
              f"{member_status(rpc.team, team['id'], ngo['id'], 'active')}")
        rpc.consent.withdraw(consent_id=consent["id"], withdrawn_by="sw-1001", reason="client asked")
        print(f"- consent withdrawn; the NGO worker is now "
              f"{member_status(rpc.team, team['id'], ngo['id'], 'suspended')}")
        handed = rpc.team.hand_over(team_id=team["id"], reason="moves to another unit", changed_by="sw-1001",
                                    to={"professional_id": "sc-2002", "name": "Counsellor",
                                        "organisation": COUNTY, "role": "social_counsellor"})
        print("- key worker handed over: " + " -> ".join(
            p["professional_id"] for p in handed["key_worker_history"]))

        time.sleep(1)
        events = []
        while (message := watch.get(no_ack=True)) is not None:
            events.append(message.payload)
    told = [e for e in events if e["type"] == "member_suspended"]
    print(f"- events seen: {', '.join(e['type'] for e in events)}")
    print(f"- key worker told of the suspension: {[e['data']['key_worker_id'] for e in told]}")
    print(f"- identity code in any event: {any(code in str(e) for e in events)}")
    logs = Path(os.environ.get("TIIMI_VAR_DIR", "var")) / "log"
    if logs.exists():
        print(f"- identity code in any log line: {any(code in p.read_text() for p in logs.glob('*.log'))}")
    return 0


if __name__ == "__main__":
    run(main)
