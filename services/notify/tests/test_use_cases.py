"""Every notify use case on in-memory repositories and fake ports: no broker, no database, no SMTP."""
import uuid
from datetime import timedelta

import pytest

from notify import rules, use_cases
from notify.channels import ChannelSender
from notify.ports import StoredConcurrently
from tiimi_shared.contracts import registry
from tiimi_shared.errors import Conflict, NotFound, ValidationError
from tiimi_shared.handlers import ReceivedEvent, consumer_key
from tiimi_shared.testing.fakes import FIXED_NOW, FakeClock, FakeConsentGate

from .fakes import FakeClientDetails, FakeNotifyUnitOfWork, FakeSender

COUNTY, NGO = "1234567-8", "0123456-7"
PUBLIC_URL = "https://tiimi.example"
NAME = "Maija Meikäläinen"
POLICY = rules.RetryPolicy(max_attempts=3, base=timedelta(seconds=10), cap=timedelta(seconds=60))


# -- making events -------------------------------------------------------------------------


def received(envelope, handler):
    return ReceivedEvent(envelope, consumer_key("notify", handler))


def referral_changed(from_status="draft", to_status="requested", client_id=None):
    return received(registry.make("referral_status_changed", {
        "referral_id": str(uuid.uuid4()), "client_id": client_id or str(uuid.uuid4()),
        "requesting_organisation": COUNTY, "requested_by": "sw-1001", "target_organisation": NGO,
        "service": "ngo_peer_support", "from_status": from_status, "to_status": to_status,
        "changed_by": "sw-1001", "changed_by_organisation": COUNTY, "shared_categories": ["basic"],
        "withheld_categories": []}, source="referral"), "on_referral_status_changed")


def member_added(professional_id="nurse-5", organisation=COUNTY):
    return received(registry.make("member_added", {
        "team_id": str(uuid.uuid4()), "client_id": str(uuid.uuid4()), "member_id": str(uuid.uuid4()),
        "kind": "professional", "professional_id": professional_id, "organisation": organisation,
        "key_worker_id": "sw-1001", "team_organisation": COUNTY, "status": "active"}, source="team"),
        "on_member_added")


def stop_requested():
    return received(registry.make("referral_stop_requested", {
        "referral_id": str(uuid.uuid4()), "client_id": str(uuid.uuid4()), "requesting_organisation": COUNTY,
        "requested_by": "sw-1001", "target_organisation": NGO, "service": "ngo_peer_support",
        "categories": ["basic"], "because": "consent_withdrawn", "key_worker_id": "sw-1001"},
        source="referral"), "on_referral_stop_requested")


# -- the world, faked --------------------------------------------------------------------------


@pytest.fixture
def uow():
    return FakeNotifyUnitOfWork()


@pytest.fixture
def gate():
    return FakeConsentGate()


@pytest.fixture
def details():
    return FakeClientDetails(NAME)


@pytest.fixture
def clock():
    return FakeClock()


def notify(uow, event, gate, details, now=FIXED_NOW):
    return use_cases.notify_recipients(uow, event, now=now, gate=gate, client_details=details,
                                       public_url=PUBLIC_URL)


def deliver(uow, clock, sender):
    return use_cases.deliver_due(uow, clock=clock, sender=sender, policy=POLICY)


def preferences(uow, recipient_id="nurse-5", language="sv", channels=("email", "sms")):
    return use_cases.set_preferences(uow, {
        "recipient_id": recipient_id, "kind": "professional", "language": language,
        "email": "nurse5@example.org", "phone": "+358 40 765 4321", "channels": list(channels)},
        now=FIXED_NOW)


def register(uow, url="https://partner.example/hook", secret="whsec_first"):
    return use_cases.register_webhook(uow, {"organisation": NGO, "url": url}, now=FIXED_NOW,
                                      allow_private=False, new_secret=lambda: secret)


def history(uow, delivery):
    return [(a.outcome, a.error) for a in uow.deliveries.attempts(delivery.id)]


# -- recipients and partners ---------------------------------------------------------------------


def test_preferences_keep_each_chosen_channel_once_and_read_back_as_stored(uow):
    preferences(uow, channels=("sms", "email", "sms"))
    stored = use_cases.get_preferences(uow, {"recipient_id": "nurse-5"})
    assert (stored.language, stored.channels, stored.email) == ("sv", ["email", "sms"], "nurse5@example.org")
    assert uow.commits == 1


def test_preferences_of_a_recipient_never_set_are_not_found(uow):
    with pytest.raises(NotFound, match="recipient"):
        use_cases.get_preferences(uow, {"recipient_id": "nobody"})


def test_a_new_partner_gets_its_secret_once_and_a_changed_url_keeps_it(uow):
    first = register(uow, secret="whsec_first")
    moved = register(uow, url="https://partner.example/new", secret="whsec_never_given")
    assert first.secret == "whsec_first" and moved.secret is None
    webhook = uow.webhooks.get(NGO)
    assert (webhook.url, webhook.secret) == ("https://partner.example/new", "whsec_first")


def test_a_private_webhook_target_is_refused_and_nothing_is_stored(uow):
    with pytest.raises(ValidationError) as refused:
        register(uow, url="https://10.0.0.1/hook")
    assert "url" in refused.value.errors
    assert uow.webhooks.get(NGO) is None and uow.commits == 0


def test_a_rotated_secret_signs_beside_the_old_one_until_the_overlap_ends(uow, gate, details, clock):
    register(uow, secret="whsec_old")
    rotated = use_cases.rotate_webhook_secret(uow, {"organisation": NGO, "overlap_hours": 1}, now=clock(),
                                              new_secret=lambda: "whsec_new")
    assert (rotated.secret, rotated.previous_valid_until) == ("whsec_new", clock() + timedelta(hours=1))
    notify(uow, referral_changed(), gate, details)
    sender = FakeSender()
    deliver(uow, clock, sender)
    assert sender.sent[0].secrets == ("whsec_new", "whsec_old")

    clock.advance(timedelta(hours=1))  # the overlap has ended
    notify(uow, referral_changed(), gate, details, now=clock())
    deliver(uow, clock, sender)
    assert sender.sent[1].secrets == ("whsec_new",)


def test_rotating_the_secret_of_a_partner_without_a_webhook_is_not_found(uow):
    with pytest.raises(NotFound, match="webhook"):
        use_cases.rotate_webhook_secret(uow, {"organisation": NGO, "overlap_hours": 24}, now=FIXED_NOW)


# -- events in -------------------------------------------------------------------------------------


def test_a_new_member_is_told_on_each_chosen_channel_in_their_language_and_sms_names_nobody(
        uow, gate, details):
    preferences(uow, language="sv")
    assert notify(uow, member_added(), gate, details) == 3
    inbox, email, sms = (uow.deliveries.on(channel)[0] for channel in ("inbox", "email", "sms"))
    assert inbox.status == "sent" and inbox.sent_at == FIXED_NOW and inbox.next_attempt_at is None
    assert (email.status, email.next_attempt_at, email.address) == ("queued", FIXED_NOW, "nurse5@example.org")
    assert sms.address == "+358 40 765 4321"
    assert email.language == "sv" and NAME in email.subject and email.with_details  # home: may see the name
    assert NAME not in sms.subject + sms.body and not sms.with_details  # read on lock screens
    assert gate.asked == []  # at home nobody asks consent


def test_a_recipient_who_never_set_preferences_gets_the_inbox_in_finnish(uow, gate, details):
    notify(uow, member_added(), gate, details)
    (inbox,) = uow.deliveries.stored.values()
    assert (inbox.channel, inbox.language) == ("inbox", "fi")


def test_a_redelivered_event_asks_consent_no_second_time_and_queues_no_second_delivery(uow, gate, details):
    register(uow)
    event = referral_changed()
    assert notify(uow, event, gate, details) == 2  # the inbox and the webhook
    stored = dict(uow.deliveries.stored)
    assert notify(uow, event, gate, details) == 0  # redelivered
    assert len(gate.asked) == 1
    assert uow.deliveries.stored == stored


def test_a_partner_sees_the_client_only_where_consent_permits_basic_for_the_referral(uow, gate, details):
    permitted, refused = referral_changed(), referral_changed()
    gate.permit(permitted.data["client_id"], NGO, ["basic"], "referral")
    notify(uow, permitted, gate, details)
    notify(uow, refused, gate, details)
    (with_name,) = [d for d in uow.deliveries.on("inbox") if d.event_id == permitted.id]
    (without,) = [d for d in uow.deliveries.on("inbox") if d.event_id == refused.id]
    assert NAME in with_name.body and with_name.with_details
    assert NAME not in without.subject + without.body and not without.with_details
    assert details.asked == [permitted.data["client_id"]]  # nobody is asked for details not to be shown
    assert gate.asked[0][1] == [{"organisation": NGO, "professional": None, "category": "basic",
                                 "purpose": "referral"}]


def test_no_answer_from_consent_means_no_client_details(uow, details):
    event = referral_changed()
    gate = FakeConsentGate(available=False).permit(event.data["client_id"], NGO, ["basic"], "referral")
    notify(uow, event, gate, details)
    (inbox,) = uow.deliveries.stored.values()
    assert not inbox.with_details and NAME not in inbox.body


def test_a_stop_notice_shows_the_partner_nothing_whatever_consent_says_and_asks_nobody(uow, gate, details):
    event = stop_requested()
    gate.permit(event.data["client_id"], NGO, ["basic"], "referral")
    notify(uow, event, gate, details)
    (stop,) = [d for d in uow.deliveries.stored.values() if d.recipient_id == NGO]
    (note,) = [d for d in uow.deliveries.stored.values() if d.recipient_id == "sw-1001"]
    assert (stop.message, stop.with_details) == ("referral_stop", False)
    assert (note.message, note.with_details) == ("consent_lost", True)  # the key worker is home
    assert gate.asked == []


def test_an_event_nobody_needs_to_hear_of_is_claimed_and_stores_nothing(uow, gate, details):
    event = referral_changed(from_status="draft", to_status="entered_in_error")
    assert notify(uow, event, gate, details) == 0
    assert uow.deliveries.stored == {}
    assert uow.processed(event.consumer, event.id)


def test_an_event_stored_by_a_concurrent_delivery_of_it_is_left_to_that_one(uow, gate, details, monkeypatch):
    def lost_the_race():
        raise StoredConcurrently("duplicate key")

    monkeypatch.setattr(uow, "commit", lost_the_race)
    assert notify(uow, member_added(), gate, details) == 0  # no error: the other delivery did the work


# -- messages out ------------------------------------------------------------------------------------


def test_a_due_message_is_sent_once_and_its_attempt_recorded(uow, gate, details, clock):
    preferences(uow, channels=("email",))
    notify(uow, member_added(), gate, details)
    sender = FakeSender()
    assert deliver(uow, clock, sender) == 1  # the inbox is not sent: it was delivered when stored
    assert deliver(uow, clock, sender) == 0
    (email,) = uow.deliveries.on("email")
    assert [m.delivery_id for m in sender.sent] == [email.id]
    assert sender.sent[0].address == "nurse5@example.org" and sender.sent[0].language == "sv"
    assert (email.status, email.attempts, email.sent_at, email.lease_until) == ("sent", 1, clock(), None)
    assert history(uow, email) == [("sent", None)]


def test_failures_back_off_doubling_and_the_last_one_leaves_the_delivery_dead(uow, gate, details, clock):
    preferences(uow, channels=("email",))
    notify(uow, member_added(), gate, details)
    sender = FakeSender("smtp: SMTPServerDisconnected", "smtp: timeout", "smtp: refused")
    assert deliver(uow, clock, sender) == 1
    (email,) = uow.deliveries.on("email")
    assert (email.status, email.next_attempt_at) == ("failed", clock() + timedelta(seconds=10))
    clock.advance(timedelta(seconds=9))
    assert deliver(uow, clock, sender) == 0  # backing off
    clock.advance(timedelta(seconds=1))
    assert deliver(uow, clock, sender) == 1
    assert email.next_attempt_at == clock() + timedelta(seconds=20)  # twice the first wait
    clock.advance(timedelta(seconds=20))
    assert deliver(uow, clock, sender) == 1
    assert (email.status, email.attempts, email.last_error) == ("dead", 3, "smtp: refused")
    clock.advance(timedelta(hours=1))
    assert deliver(uow, clock, sender) == 0  # dead stays dead
    assert [outcome for outcome, _ in history(uow, email)] == ["failed", "failed", "dead"]


def test_a_sender_that_breaks_unexpectedly_counts_as_a_failed_attempt(uow, gate, details, clock):
    preferences(uow, channels=("sms",))
    notify(uow, member_added(), gate, details)
    deliver(uow, clock, FakeSender(RuntimeError("a bug")))
    (sms,) = uow.deliveries.on("sms")
    assert (sms.status, sms.last_error, sms.lease_until) == ("failed", "sms: RuntimeError", None)


def test_a_delivery_whose_sender_crashed_is_taken_again_when_the_lease_ends(uow, gate, details, clock):
    preferences(uow, channels=("email",))
    notify(uow, member_added(), gate, details)
    (email,) = uow.deliveries.on("email")
    email.apply(rules.take(email.state(), clock(), use_cases.LEASE))  # taken, then the sender died
    sender = FakeSender()
    assert deliver(uow, clock, sender) == 0
    clock.advance(use_cases.LEASE)
    assert deliver(uow, clock, sender) == 1 and email.status == "sent"


def test_a_webhook_carries_the_event_the_link_and_whether_it_shows_client_details(uow, gate, details, clock):
    register(uow, secret="whsec_only")
    event = referral_changed()
    notify(uow, event, gate, details)
    sender = FakeSender()
    deliver(uow, clock, sender)
    (message,) = sender.sent
    (webhook,) = uow.deliveries.on("webhook")
    assert (message.url, message.secrets) == ("https://partner.example/hook", ("whsec_only",))
    assert message.payload["id"] == webhook.id and message.payload["type"] == "referral_received"
    assert message.payload["event_id"] == event.id and message.payload["event_type"] == event.type
    assert message.payload["link"] == f"{PUBLIC_URL}/app/partner/referrals/{event.data['referral_id']}"
    assert message.payload["with_client_details"] is False
    assert message.payload["referral_id"] == event.data["referral_id"]


class Unused:
    def send(self, *args, **kwargs):
        raise AssertionError("not to be called")


def test_a_webhook_to_a_partner_whose_webhook_is_gone_fails_with_that_reason(uow, gate, details, clock):
    register(uow)
    notify(uow, referral_changed(), gate, details)
    del uow.webhooks.stored[NGO]
    deliver(uow, clock, ChannelSender(email=Unused(), sms=Unused(), webhooks=Unused()))
    (webhook,) = uow.deliveries.on("webhook")
    assert webhook.status == "failed"
    assert webhook.last_error == "webhook: the partner has no webhook registered"


def test_only_a_dead_delivery_is_redelivered_with_a_fresh_round_and_its_history_kept(
        uow, gate, details, clock):
    preferences(uow, channels=("email",))
    notify(uow, member_added(), gate, details)
    sender = FakeSender("smtp: refused", "smtp: refused", "smtp: refused")
    for _ in range(3):
        deliver(uow, clock, sender)
        clock.advance(timedelta(minutes=5))
    (email,), (inbox,) = uow.deliveries.on("email"), uow.deliveries.on("inbox")
    with pytest.raises(Conflict) as refused:
        use_cases.redeliver(uow, {"delivery_id": uuid.UUID(inbox.id), "requested_by": "ops-1"}, now=clock())
    assert refused.value.current_state == "sent"

    again = use_cases.redeliver(uow, {"delivery_id": uuid.UUID(email.id), "requested_by": "ops-1"},
                                now=clock())
    assert (again.status, again.attempts, again.next_attempt_at) == ("queued", 0, clock())
    assert deliver(uow, clock, sender) == 1 and email.status == "sent"
    assert history(uow, email)[3:] == [("redelivery", "requested by ops-1"), ("sent", None)]


# -- the inbox and delivery tracking ---------------------------------------------------------------------


def test_only_its_recipient_reads_an_inbox_item_and_the_first_reading_counts(uow, gate, details, clock):
    preferences(uow, channels=("email",))
    notify(uow, member_added(), gate, details)
    (item,), (email,) = uow.deliveries.on("inbox"), uow.deliveries.on("email")
    for reader, item_id in (("sw-1001", item.id), ("nurse-5", email.id)):
        with pytest.raises(NotFound, match="inbox item"):
            use_cases.mark_read(uow, {"recipient_id": reader, "item_id": uuid.UUID(item_id)}, now=clock())
    assert use_cases.list_inbox(uow, {"recipient_id": "nurse-5", "unread_only": True, "limit": 50}) == [item]

    first = clock()
    use_cases.mark_read(uow, {"recipient_id": "nurse-5", "item_id": uuid.UUID(item.id)}, now=first)
    clock.advance(timedelta(hours=1))
    read = use_cases.mark_read(uow, {"recipient_id": "nurse-5", "item_id": uuid.UUID(item.id)}, now=clock())
    assert read.read_at == first
    assert use_cases.list_inbox(uow, {"recipient_id": "nurse-5", "unread_only": True, "limit": 50}) == []
    assert use_cases.list_inbox(uow, {"recipient_id": "nurse-5", "unread_only": False, "limit": 50}) == [item]


def test_deliveries_are_found_by_event_and_status_each_with_its_history(uow, gate, details, clock):
    preferences(uow, channels=("email",))
    event = member_added()
    notify(uow, event, gate, details)
    deliver(uow, clock, FakeSender("smtp: refused"))
    query = {"recipient_id": None, "event_id": uuid.UUID(event.id), "limit": 100}
    found = use_cases.list_deliveries(uow, query | {"status": None})
    assert sorted(d.channel for d, _ in found) == ["email", "inbox"]
    ((failed, attempts),) = use_cases.list_deliveries(uow, query | {"status": "failed"})
    assert failed.channel == "email"
    assert [(a.number, a.outcome, a.error) for a in attempts] == [(1, "failed", "smtp: refused")]
