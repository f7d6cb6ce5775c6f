"""Deliveries against real servers: an SMTP server, an HTTP webhook receiver, an SMS gateway."""
import json
import uuid
from datetime import timedelta

import pytest
from nameko.testing.services import entrypoint_hook
from standardwebhooks import Webhook

from tiimi_shared.contracts import registry
from tiimi_shared.errors import Conflict, ValidationError
from tiimi_shared.testing.hooks import event_hook

pytestmark = pytest.mark.integration

COUNTY, NGO = "1234567-8", "0123456-7"


def referral_sent(client_id=None):
    return registry.make("referral_status_changed", {
        "referral_id": str(uuid.uuid4()), "client_id": client_id or str(uuid.uuid4()),
        "requesting_organisation": COUNTY, "requested_by": "sw-1001", "target_organisation": NGO,
        "service": "ngo_peer_support", "from_status": "draft", "to_status": "requested",
        "changed_by": "sw-1001", "changed_by_organisation": COUNTY, "shared_categories": ["basic"],
        "withheld_categories": []}, source="referral")


def member_added(professional_id="nurse-5", organisation=COUNTY):
    return registry.make("member_added", {
        "team_id": str(uuid.uuid4()), "client_id": str(uuid.uuid4()), "member_id": str(uuid.uuid4()),
        "kind": "professional", "professional_id": professional_id, "organisation": organisation,
        "key_worker_id": "sw-1001", "team_organisation": COUNTY, "status": "active"}, source="team")


def handle(container, handler, envelope):
    """Hand the handler the event as the kernel's event handler does: checked, with its consumer key."""
    with event_hook(container, handler) as hook:
        hook(envelope)


def deliver(container) -> int:
    with entrypoint_hook(container, "deliver_due") as hook:
        return hook()


def test_a_partner_webhook_is_signed_to_the_standard_webhooks_scheme(notify_container, notify_rpc, receiver):
    secret = notify_rpc.register_webhook(organisation=NGO, url=receiver.url + "/tiimi")["secret"]
    event = referral_sent()
    handle(notify_container, "on_referral_status_changed", event)
    assert deliver(notify_container) == 1
    (request,) = receiver.wait_for(1)
    payload = Webhook(secret).verify(request.body, request.headers)  # the reference verifier
    assert payload["type"] == "referral_received" and payload["event_id"] == event["id"]
    assert payload["link"] == f"https://tiimi.example/app/partner/referrals/{event['data']['referral_id']}"
    assert payload["with_client_details"] is False  # consent could not be asked: no client data
    tampered = request.body.replace(b"referral_received", b"referral_rejected")
    with pytest.raises(Exception, match="signature"):
        Webhook(secret).verify(tampered, request.headers)
    (delivery,) = [d for d in notify_rpc.list_deliveries(event_id=event["id"], status="sent")
                   if d["channel"] == "webhook"]
    assert [a["outcome"] for a in delivery["history"]] == ["sent"]
    assert [i["message"] for i in notify_rpc.list_inbox(recipient_id=NGO)] == ["referral_received"]


def test_a_target_that_fails_twice_gets_exactly_one_successful_delivery(
        notify_container, notify_rpc, receiver, clock):
    notify_rpc.register_webhook(organisation=NGO, url=receiver.url)
    receiver.statuses = [500, 503]
    event = referral_sent()
    handle(notify_container, "on_referral_status_changed", event)
    assert deliver(notify_container) == 1
    assert deliver(notify_container) == 0  # backing off: not due yet
    clock.advance(timedelta(seconds=10))
    assert deliver(notify_container) == 1
    clock.advance(timedelta(seconds=19))
    assert deliver(notify_container) == 0  # the second wait is twice the first
    clock.advance(timedelta(seconds=1))
    assert deliver(notify_container) == 1
    clock.advance(timedelta(hours=1))
    assert deliver(notify_container) == 0
    assert len(receiver.received) == 3
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1  # one message, tried thrice
    (delivery,) = [d for d in notify_rpc.list_deliveries(event_id=event["id"], status="sent")
                   if d["channel"] == "webhook"]
    assert [(a["outcome"], a["error"]) for a in delivery["history"]] == [
        ("failed", "webhook: HTTP 500"), ("failed", "webhook: HTTP 503"), ("sent", None)]


def test_a_target_that_never_answers_ends_dead_and_can_be_redelivered(
        notify_container, notify_rpc, receiver, clock):
    notify_rpc.register_webhook(organisation=NGO, url=receiver.url)
    receiver.always = 502
    event = referral_sent()
    handle(notify_container, "on_referral_status_changed", event)
    for _ in range(3):
        deliver(notify_container)
        clock.advance(timedelta(minutes=5))
    (dead,) = notify_rpc.list_deliveries(event_id=event["id"], status="dead")
    assert dead["attempts"] == 3 and dead["last_error"] == "webhook: HTTP 502"
    assert deliver(notify_container) == 0  # dead stays dead

    receiver.always = None
    with pytest.raises(Conflict):
        notify_rpc.redeliver(delivery_id=notify_rpc.list_inbox(recipient_id=NGO)[0]["id"],
                             requested_by="ops-1")  # the inbox item was never dead
    assert notify_rpc.redeliver(delivery_id=dead["id"], requested_by="ops-1")["status"] == "queued"
    assert deliver(notify_container) == 1
    (sent,) = [d for d in notify_rpc.list_deliveries(event_id=event["id"], status="sent")
               if d["channel"] == "webhook"]
    assert [a["outcome"] for a in sent["history"]] == ["failed", "failed", "dead", "redelivery", "sent"]
    assert len(receiver.received) == 4


def test_the_same_event_twice_reaches_each_recipient_on_each_channel_once(
        notify_container, notify_rpc, receiver, smtp_server):
    notify_rpc.set_preferences(recipient_id="nurse-5", language="sv", email="nurse5@example.org",
                               phone="+358 40 765 4321", channels=["email", "sms"])
    event = member_added()
    handle(notify_container, "on_member_added", event)
    handle(notify_container, "on_member_added", event)  # redelivered
    deliveries = notify_rpc.list_deliveries(event_id=event["id"])
    assert sorted(d["channel"] for d in deliveries) == ["email", "inbox", "sms"]
    assert deliver(notify_container) == 2
    assert deliver(notify_container) == 0
    (mail,) = smtp_server.messages()
    assert mail["To"] == "nurse5@example.org" and mail["Content-Language"] == "sv"
    # Swedish, as the member prefers; without the team service to ask, no client details.
    assert mail.get_content().startswith("Du har ett nytt ärende i tiimi")
    (sms,) = [r for r in receiver.received if r.path == "/sms"]
    assert sms.headers["authorization"] == "Bearer sms-token"
    assert json.loads(sms.body)["to"] == "+358 40 765 4321"
    (item,) = notify_rpc.list_inbox(recipient_id="nurse-5", unread_only=True)
    notify_rpc.mark_read(recipient_id="nurse-5", item_id=item["id"])
    assert notify_rpc.list_inbox(recipient_id="nurse-5", unread_only=True) == []
    assert len(notify_rpc.list_inbox(recipient_id="nurse-5")) == 1


def test_a_rotated_secret_signs_beside_the_old_one_until_the_overlap_ends(
        notify_container, notify_rpc, receiver):
    old = notify_rpc.register_webhook(organisation=NGO, url=receiver.url)["secret"]
    new = notify_rpc.rotate_webhook_secret(organisation=NGO, overlap_hours=24)["secret"]
    assert new != old
    handle(notify_container, "on_referral_status_changed", referral_sent())
    deliver(notify_container)
    (request,) = receiver.wait_for(1)
    Webhook(old).verify(request.body, request.headers)
    Webhook(new).verify(request.body, request.headers)
    newest = notify_rpc.rotate_webhook_secret(organisation=NGO, overlap_hours=0)["secret"]
    handle(notify_container, "on_referral_status_changed", referral_sent())
    deliver(notify_container)
    second = receiver.wait_for(2)[1]
    for retired in (old, new):  # no overlap asked: only the newest signs
        with pytest.raises(Exception, match="signature"):
            Webhook(retired).verify(second.body, second.headers)
    Webhook(newest).verify(second.body, second.headers)


def test_bad_input_is_refused_with_the_field_named_and_nothing_stored(notify_rpc):
    with pytest.raises(ValidationError) as refused:
        notify_rpc.set_preferences(recipient_id="nurse-5", language="de", channels=["email", "pigeon"])
    assert {"language", "channels"} <= set(refused.value.errors)
    with pytest.raises(ValidationError) as no_address:
        notify_rpc.set_preferences(recipient_id="nurse-5", language="fi", channels=["email"])
    assert "email" in no_address.value.errors
    with pytest.raises(ValidationError) as plain_http:
        notify_rpc.register_webhook(organisation=NGO, url="ftp://partner.example/hook")
    assert "url" in plain_http.value.errors
    with pytest.raises(Exception, match="recipient"):
        notify_rpc.get_preferences(recipient_id="nurse-5")
