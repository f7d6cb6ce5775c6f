"""A tour of the notify service: inbox, e-mail, signed webhooks, content that follows consent.

Start tiimi first (``make run``), then: ``.venv/bin/python examples/notify_tour.py``.
If nothing listens on 127.0.0.1:1025 the tour starts an SMTP server there
(aiosmtpd, writing to ``var/mail``) and reads the e-mail back; if your own
sink is there, look at it instead. The partners' webhook receiver is a small
HTTP server in this script that checks each signature with the standardwebhooks
library, as a partner would. Nothing of tiimi's code is used.
"""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()

import json  # noqa: E402
import mailbox  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from email import message_from_bytes, policy  # noqa: E402
from http.server import BaseHTTPRequestHandler, HTTPServer  # noqa: E402
from pathlib import Path  # noqa: E402

from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402
from standardwebhooks import Webhook  # noqa: E402
from tour import eventually, made_up_identity_code, run  # noqa: E402

AMQP_URI = os.environ.get("TIIMI_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
VAR = Path(os.environ.get("TIIMI_VAR_DIR", Path(__file__).parent.parent / "var"))
COUNTY = "1234567-8"
RUN = f"{random.randint(0, 99999):05d}"
NGO, OTHER = f"ngo-{RUN}", f"other-{RUN}"   # fresh partners each run: their secrets are shown once
NURSE = f"nurse-{RUN}"
received: list[tuple[str, dict, bytes]] = []


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (the name http.server calls)
        body = self.rfile.read(int(self.headers["content-length"]))
        received.append((self.path.strip("/"), {k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def smtp_sink():
    try:
        socket.create_connection(("127.0.0.1", 1025), timeout=1).close()
        return None  # someone's sink is there already
    except OSError:
        maildir = VAR / "mail"
        process = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:1025",
                                    "-c", "aiosmtpd.handlers.Mailbox", str(maildir)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.5)
        return process, maildir






def main() -> int:
    sink = smtp_sink()
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    eventlet.spawn_n(server.serve_forever)
    hooks = f"http://127.0.0.1:{server.server_port}"
    ok = True
    with ClusterRpcProxy({"AMQP_URI": AMQP_URI}, timeout=20) as rpc:
        rpc.notify.set_preferences(recipient_id=NURSE, language="sv", email=f"{NURSE}@example.org",
                                   channels=["email"])
        client = rpc.team.register_client(
            name="Made-up Person", personal_identity_code=made_up_identity_code(), preferred_language="fi",
            municipality="837", registered_by="sw-1001")
        team = rpc.team.create_team(
            client_id=client["id"], organisation=COUNTY, created_by="sw-1001",
            key_worker={"professional_id": "sw-1001", "name": "S. S.", "organisation": COUNTY,
                        "role": "social_worker"})
        rpc.team.add_member(team_id=team["id"], kind="professional", added_by="sw-1001", professional={
            "professional_id": NURSE, "name": "N. N.", "organisation": COUNTY, "role": "nurse"})
        (item,) = eventually(lambda: rpc.notify.list_inbox(recipient_id=NURSE)) or [None]
        print(f"- {NURSE} (prefers Swedish) has an inbox item: {item and item['subject']!r}")
        ok = ok and item is not None
        if sink:
            def inbox():
                return list(mailbox.Maildir(sink[1], factory=None)) if sink[1].exists() else []

            mails = eventually(inbox)
            mail = message_from_bytes(bytes(mails[0]), policy=policy.default) if mails else None
            print(f"- e-mail to {mail and mail['To']}: {mail and mail['Subject']!r}")
            ok = ok and mail is not None
        else:
            print("- an e-mail went to the SMTP server on 127.0.0.1:1025: look there")

        secrets = {org: rpc.notify.register_webhook(organisation=org, url=f"{hooks}/{org}")["secret"]
                   for org in (NGO, OTHER)}
        consent = rpc.consent.grant(client_id=client["id"], given_by={"kind": "client"},
                                    recipient_organisation=NGO, categories=["basic"], purposes=["referral"],
                                    method="written", recorded_by="sw-1001")
        accept_by = (datetime.now(UTC) + timedelta(days=3)).isoformat()
        for target in (NGO, OTHER):
            made = rpc.referral.create_referral(
                client_id=client["id"], requesting_organisation=COUNTY, requested_by="sw-1001",
                target_organisation=target, service="ngo_peer_support", reason="peer support",
                share={"basic": {"name": "Made-up Person"}}, accept_by=accept_by)
            rpc.referral.change_status(referral_id=made["id"], status="requested",
                                       by={"organisation": COUNTY, "professional_id": "sw-1001"})
        eventually(lambda: {path for path, _, _ in received} >= {NGO, OTHER})
        for path, headers, body in list(received):
            payload = Webhook(secrets[path]).verify(body, headers)  # raises if the signature is wrong
            print(f"- signed POST to {path} verifies: {payload['type']}, client details "
                  f"{'shown' if payload['with_client_details'] else 'withheld'}: {payload['subject']!r}")
            ok = ok and payload["with_client_details"] == (path == NGO)
            ok = ok and (path == NGO or "Made-up" not in body.decode())

        rpc.consent.withdraw(consent_id=consent["id"], withdrawn_by="sw-1001", reason="client asked")
        stops = eventually(lambda: [json.loads(body) for path, _, body in received
                                    if path == NGO and b"referral_stop" in body])
        print(f"- after the withdrawal {NGO} is told: {stops and stops[0]['subject']!r}")
        notes = eventually(lambda: [i for i in rpc.notify.list_inbox(recipient_id="sw-1001")
                                    if i["message"] == "consent_lost"])
        print(f"- and the key worker's inbox: {notes and notes[0]['subject']!r}")
        ok = ok and bool(stops) and bool(notes)
    server.shutdown()
    if sink:
        sink[0].terminate()
    print("tour done" if ok else "tour found a problem")
    return 0 if ok else 1


if __name__ == "__main__":
    run(main)
