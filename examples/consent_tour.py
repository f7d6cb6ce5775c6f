"""A tour of the consent service from outside, over RPC, as another system sees it.

Start tiimi first (``make run``), then: ``.venv/bin/python examples/consent_tour.py``.
It uses nothing of tiimi's code: a nameko standalone RPC proxy and plain data.
"""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()

import os  # noqa: E402
import sqlite3  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402

CONFIG = {"AMQP_URI": os.environ.get("TIIMI_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")}
NGO = "0123456-7"
CHECK = {"organisation": NGO, "category": "basic", "purpose": "team_coordination"}


def show(step, answer):
    print(f"- {step}: {answer}")


def grant(consent, client, **extra):
    return consent.grant(client_id=client, given_by={"kind": "client"}, recipient_organisation=NGO,
                         categories=["basic", "team"], purposes=["team_coordination"],
                         method="written", recorded_by="sw-1001", **extra)


def main() -> int:
    with ClusterRpcProxy(CONFIG, timeout=10) as rpc:
        consent = rpc.consent
        client = str(uuid.uuid4())
        print(f"client {client}")
        given = grant(consent, client)
        show("granted", f"consent {given['id']} ({given['status']})")
        answer = consent.check(client_id=client, **CHECK)
        show("checked", f"{answer['decision']} ({answer['reason']}, consent {answer['consent_id']})")
        consent.withdraw(consent_id=given["id"], withdrawn_by="sw-1001", reason="client asked")
        show("withdrawn", "at once")
        answer = consent.check(client_id=client, **CHECK)
        show("checked", f"{answer['decision']} ({answer['reason']})")

        short = grant(consent, client, valid_until=(datetime.now(UTC)
                                                     + timedelta(seconds=2)).isoformat())
        show("granted for two seconds", short["id"])
        time.sleep(2.5)
        answer = consent.check(client_id=client, **CHECK)
        show("checked after its end", f"{answer['decision']} ({answer['reason']})")

        grant(consent, client)
        show("checked with a fresh consent", consent.check(client_id=client, **CHECK)["decision"])
        denial = consent.deny(client_id=client, organisation=None, categories=["basic"],
                              recorded_by="sw-1001")
        answer = consent.check(client_id=client, **CHECK)
        show("checked after a denial to all", f"{answer['decision']} ({answer['reason']})")
        consent.lift_denial(denial_id=denial["id"], lifted_by="sw-1001", reason="client changed mind")

        before = len(consent.list_consents(client_id=client)["consents"])
        try:
            consent.grant(client_id=client, given_by={"kind": "client"}, recipient_organisation=NGO,
                          categories=["basic", "horoscope"], purposes=["team_coordination"],
                          method="written")
        except Exception as refused:
            show("bad grant refused", refused)
        after = len(consent.list_consents(client_id=client)["consents"])
        show("consents stored before and after the bad grant", f"{before} and {after}")

        report = consent.disclosure_report(client_id=client, include_denied=True)["entries"]
        show("disclosure report", f"{len(report)} decisions, first: {report[0]['outcome']} "
             f"{report[0]['category']} to {report[0]['organisation']} at {report[0]['at']}")
        show("disclosure log verified", consent.verify_log())

        database = Path(os.environ.get("TIIMI_VAR_DIR", "var")) / "consent.db"
        if "TIIMI_CONSENT_DATABASE_URL" in os.environ or not database.exists():
            print("(the tamper step edits the default SQLite file; skipped for another database)")
            return 0
        seq = report[0]["seq"]
        with sqlite3.connect(database) as db:
            original = db.execute("select reason from disclosure_log where seq = ?", (seq,)).fetchone()[0]
            db.execute("update disclosure_log set reason = 'tampered' where seq = ?", (seq,))
        show(f"after changing row {seq} behind the service's back", consent.verify_log())
        with sqlite3.connect(database) as db:
            db.execute("update disclosure_log set reason = ? where seq = ?", (original, seq))
        show("after putting it back", consent.verify_log()["intact"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
