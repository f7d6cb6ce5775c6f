"""Notify with the services whose events it turns into messages, all on a real broker."""
import json
from datetime import UTC, datetime, timedelta

import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from standardwebhooks import Webhook

from tiimi_shared.testing.servers import HttpReceiver, SmtpServer

pytestmark = pytest.mark.integration

COUNTY, NGO, OTHER = "1234567-8", "0123456-7", "7654321-0"
CLIENT_NAME = "Maija Meikäläinen"
KEY_WORKER = {"professional_id": "sw-1001", "name": "S. S.", "organisation": COUNTY, "role": "social_worker"}
NURSE = {"professional_id": "nurse-5", "name": "N. N.", "organisation": COUNTY, "role": "nurse"}


@pytest.fixture
def servers(tmp_path):
    smtp, receiver = SmtpServer(tmp_path / "maildir").start(), HttpReceiver().start()
    yield smtp, receiver
    smtp.stop()
    receiver.stop()


@pytest.fixture
def rpc(system, rabbit_config, servers):
    smtp, _ = servers
    system(notify={"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port, "WEBHOOK_ALLOW_PRIVATE": "true",
                   "PUBLIC_URL": "https://tiimi.example", "DELIVERY_INTERVAL": 0.2})
    with ClusterRpcProxy(rabbit_config, timeout=20) as proxy:
        yield proxy


@pytest.fixture
def a_team(rpc):
    client = rpc.team.register_client(name=CLIENT_NAME, personal_identity_code="131052-308T",
                                      preferred_language="fi", municipality="837", registered_by="sw-1001")
    return rpc.team.create_team(client_id=client["id"], organisation=COUNTY, created_by="sw-1001",
                                key_worker=KEY_WORKER)


def test_a_new_member_gets_an_inbox_item_and_an_email_in_their_language(rpc, a_team, servers, eventually):
    smtp, _ = servers
    rpc.notify.set_preferences(recipient_id="nurse-5", language="en", email="nurse5@example.org",
                               channels=["email"])
    rpc.team.add_member(team_id=a_team["id"], kind="professional", professional=NURSE, added_by="sw-1001")
    (item,) = eventually(lambda: rpc.notify.list_inbox(recipient_id="nurse-5"))
    assert item["subject"] == f"You were added to the team of {CLIENT_NAME}"  # same organisation: home
    assert item["link"] == f"https://tiimi.example/app/clients/{a_team['client_id']}"
    (mail,) = eventually(smtp.messages)
    assert mail["To"] == "nurse5@example.org" and mail["Subject"] == item["subject"]
    assert "131052-308T" not in mail.as_string()


def test_referral_webhooks_follow_consent_and_a_withdrawal_stops_the_partner(
        rpc, a_team, servers, eventually):
    _, receiver = servers
    secrets = {org: rpc.notify.register_webhook(organisation=org, url=f"{receiver.url}/{org}")["secret"]
               for org in (NGO, OTHER)}
    client_id = a_team["client_id"]
    granted = rpc.consent.grant(client_id=client_id, given_by={"kind": "client"}, recipient_organisation=NGO,
                                categories=["basic"], purposes=["referral"], method="written",
                                recorded_by="sw-1001")
    accept_by = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    by_county = {"organisation": COUNTY, "professional_id": "sw-1001"}
    for target in (NGO, OTHER):
        made = rpc.referral.create_referral(
            client_id=client_id, requesting_organisation=COUNTY, requested_by="sw-1001",
            target_organisation=target, service="ngo_peer_support", reason="peer support",
            share={"basic": {"name": CLIENT_NAME}}, accept_by=accept_by)
        rpc.referral.change_status(referral_id=made["id"], status="requested", by=by_county)

    def posts_to(org):
        return [r for r in receiver.received if r.path == f"/{org}"]

    (to_ngo,) = eventually(lambda: posts_to(NGO))
    ngo_payload = Webhook(secrets[NGO]).verify(to_ngo.body, to_ngo.headers)
    assert ngo_payload["type"] == "referral_received" and CLIENT_NAME in ngo_payload["text"]
    (to_other,) = eventually(lambda: posts_to(OTHER))
    other_payload = Webhook(secrets[OTHER]).verify(to_other.body, to_other.headers)
    # No consent for this partner: something new and a link, and nothing about the client.
    assert other_payload["with_client_details"] is False
    assert CLIENT_NAME not in to_other.body.decode() and "Maija" not in json.dumps(other_payload)
    assert other_payload["text"].startswith("Sinulle on uusi asia tiimissä")

    rpc.consent.withdraw(consent_id=granted["id"], withdrawn_by="sw-1001", reason="client asked")
    stop = eventually(lambda: [r for r in posts_to(NGO) if b"referral_stop" in r.body])
    stop_payload = Webhook(secrets[NGO]).verify(stop[0].body, stop[0].headers)
    assert stop_payload["categories"] == ["basic"] and stop_payload["because"] == "consent_withdrawn"
    assert CLIENT_NAME not in stop[0].body.decode()
    notes = eventually(lambda: [i for i in rpc.notify.list_inbox(recipient_id="sw-1001")
                                if i["message"] == "consent_lost"])
    assert CLIENT_NAME in notes[0]["body"]  # the key worker is home
