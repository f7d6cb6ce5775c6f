"""Who is told what, the backoff, webhook targets and the templates, alone."""
import ipaddress
import re
from datetime import timedelta
from pathlib import Path

import pytest

import notify
from notify import render, rules
from tiimi_shared.errors import Conflict, NotFound, ValidationError
from tiimi_shared.testing.fakes import FIXED_NOW as NOW

CLIENT = "5b0d3b8e-6a34-4c39-9b53-8f0f1f0c0a11"
COUNTY, NGO = "1234567-8", "0123456-7"
REFERRAL = {"referral_id": "9f5d2b55-4a5f-4f41-8a43-0fbc3c8f8a10", "client_id": CLIENT,
            "requesting_organisation": COUNTY, "requested_by": "sw-1001", "target_organisation": NGO,
            "service": "housing_guidance"}


def status_changed(from_status, to_status):
    return REFERRAL | {"from_status": from_status, "to_status": to_status, "changed_by": "x",
                       "changed_by_organisation": COUNTY, "shared_categories": [], "withheld_categories": []}


def member(professional_id, organisation, status="active"):
    return {"team_id": "1d9e7c8e-3d0e-4a57-8a39-8d1a8e4f3d21", "client_id": CLIENT,
            "member_id": "2d9e7c8e-3d0e-4a57-8a39-8d1a8e4f3d21", "kind": "professional",
            "professional_id": professional_id, "organisation": organisation, "key_worker_id": "sw-1001",
            "team_organisation": COUNTY, "status": status}


def test_a_new_member_is_told_and_is_home_only_in_the_teams_own_organisation():
    (own,) = rules.notices_for("member_added", member("nurse-5", COUNTY))
    (other,) = rules.notices_for("member_added", member("ngo-7", NGO, "pending_consent"))
    assert (own.recipient_id, own.home) == ("nurse-5", True)
    assert (other.recipient_id, other.home, other.context["pending"]) == ("ngo-7", False, True)
    assert rules.notices_for("member_added", member("sw-1001", COUNTY)) == []  # the key worker made it


@pytest.mark.parametrize(("to_status", "recipient", "message"), [
    ("requested", NGO, "referral_received"), ("accepted", "sw-1001", "referral_answered"),
    ("completed", "sw-1001", "referral_answered"), ("failed", "sw-1001", "referral_answered"),
    ("cancelled", NGO, "referral_withdrawn"), ("entered_in_error", NGO, "referral_withdrawn")])
def test_each_referral_step_reaches_the_other_side(to_status, recipient, message):
    from_status = "draft" if to_status == "requested" else "requested"
    (notice,) = rules.notices_for("referral_status_changed", status_changed(from_status, to_status))
    assert (notice.recipient_id, notice.message) == (recipient, message)


APP = "https://tiimi.example"
REFERRAL_ID = REFERRAL["referral_id"]


@pytest.mark.parametrize(("event_type", "data", "links"), [
    ("member_added", member("nurse-5", COUNTY), [f"{APP}/app/clients/{CLIENT}"]),
    ("member_suspended", member("nurse-5", NGO) | {"because": "consent_withdrawn"},
     [f"{APP}/app/clients/{CLIENT}"]),
    ("referral_status_changed", status_changed("requested", "accepted"),
     [f"{APP}/app/clients/{CLIENT}?referral={REFERRAL_ID}"]),
    ("referral_overdue", REFERRAL, [f"{APP}/app/clients/{CLIENT}?referral={REFERRAL_ID}"]),
    ("referral_escalated", REFERRAL | {"key_worker_id": "sw-2002"},
     [f"{APP}/app/clients/{CLIENT}?referral={REFERRAL_ID}"]),
    ("referral_status_changed", status_changed("draft", "requested"),
     [f"{APP}/app/partner/referrals/{REFERRAL_ID}"]),
    ("referral_status_changed", status_changed("requested", "cancelled"),
     [f"{APP}/app/partner/referrals/{REFERRAL_ID}"]),
    ("referral_stop_requested", REFERRAL | {"categories": ["basic"], "because": "consent_withdrawn",
                                            "key_worker_id": "sw-2002"},
     [f"{APP}/app/partner/referrals/{REFERRAL_ID}", f"{APP}/app/clients/{CLIENT}?referral={REFERRAL_ID}"]),
])
def test_each_notice_links_to_its_page_in_the_web_app_by_identifiers_only(event_type, data, links):
    # A professional opens the client's page (at the referral, if it is about one); a partner its referral.
    notices = rules.notices_for(event_type, data)
    assert [render.link_for(APP + "/", notice) for notice in notices] == links


@pytest.mark.parametrize(("config", "url"), [
    ({"PUBLIC_URL": "https://tiimi.county.fi", "WEB_SERVER_ADDRESS": "0.0.0.0:8000"}, "https://tiimi.county.fi"),
    ({"WEB_SERVER_ADDRESS": "127.0.0.1:8080"}, "http://127.0.0.1:8080"),
    ({"WEB_SERVER_ADDRESS": "0.0.0.0:8000"}, "http://localhost:8000"),
    ({}, "http://localhost:8000"),
])
def test_links_go_to_the_gateways_origin_which_serves_the_app(config, url):
    assert render.public_url_of(config) == url


STATUTORY = {"client_id": CLIENT, "recipient_organisation": "police-1", "recipient_kind": "police",
             "categories": ["basic", "assessment"], "legal_basis": "threat_to_life_or_health",
             "statute": "812/2000 18 §", "entry_ids": ["e-1", "e-2"], "against_denial": True,
             "organisation": COUNTY, "recorded_by": "sw-3003", "key_worker_id": "sw-1001",
             "disclosed_at": "2024-06-01T12:00:00+00:00"}


def test_a_statutory_disclosure_tells_the_key_worker_at_home_with_codes_only():
    (notice,) = rules.notices_for("statutory_disclosure_recorded", STATUTORY)

    assert (notice.recipient_id, notice.recipient_kind, notice.message, notice.home) == (
        "sw-1001", rules.RecipientKind.PROFESSIONAL, "statutory_disclosure", True)
    assert notice.context == {"legal_basis": "threat_to_life_or_health", "statute": "812/2000 18 §",
                              "recipient_organisation": "police-1", "recipient_kind": "police",
                              "categories": ["basic", "assessment"], "against_denial": True}
    assert rules.consent_request(notice) is None  # at home: nothing to ask


def test_a_statutory_disclosure_with_no_known_key_worker_tells_nobody():
    assert rules.notices_for("statutory_disclosure_recorded", STATUTORY | {"key_worker_id": None}) == []


@pytest.mark.parametrize(("language", "words"), [
    ("fi", ["812/2000 18 §", "poliisi", "luovutuskiellosta huolimatta", "perustiedot"]),
    ("sv", ["812/2000 18 §", "polisen", "trots klientens förbud", "grunduppgifter"]),
    ("en", ["812/2000 18 §", "the police", "against the client's denial", "basic details"])])
def test_the_statutory_disclosure_message_names_statute_recipient_and_denial(language, words):
    (notice,) = rules.notices_for("statutory_disclosure_recorded", STATUTORY)

    rendered = render.render(notice, language, "https://tiimi.example/c", {"name": "Maija"})

    assert all(word in rendered.subject + rendered.body for word in words), rendered.body
    assert "Maija" in rendered.body


EMERGENCY = {"access_id": "8f5d2b55-4a5f-4f41-8a43-0fbc3c8f8a10", "client_id": CLIENT,
             "professional": "on-call-5", "organisation": COUNTY, "reason": "risk_to_life",
             "opened_at": "2024-06-01T12:00:00+00:00", "ends_at": "2024-06-01T16:00:00+00:00",
             "key_worker_id": "sw-1001"}


def test_an_emergency_access_tells_the_key_worker_who_why_and_until_when():
    (notice,) = rules.notices_for("emergency_access_opened", EMERGENCY)

    assert (notice.recipient_id, notice.message, notice.home) == ("sw-1001", "emergency_access", True)
    assert notice.context["ends_at"] == "2024-06-01 16:00" and notice.context["reason"] == "risk_to_life"
    for language, words in (("fi", "hengenvaara"), ("sv", "livsfara"), ("en", "a risk to life")):
        body = render.render(notice, language, "https://tiimi.example/c", {"name": "Maija"}).body
        assert words in body and "on-call-5" in body and "2024-06-01 16:00" in body
    assert rules.notices_for("emergency_access_opened", EMERGENCY | {"key_worker_id": None}) == []


def test_a_draft_marked_in_error_tells_nobody_since_nobody_saw_it():
    assert rules.notices_for("referral_status_changed", status_changed("draft", "entered_in_error")) == []


def test_a_withdrawal_stops_the_partner_with_no_client_data_and_notes_the_key_worker():
    stop, note = rules.notices_for("referral_stop_requested", REFERRAL | {
        "categories": ["basic"], "because": "consent_withdrawn", "key_worker_id": "sw-2002"})
    assert (stop.recipient_id, stop.message, stop.never_details) == (NGO, "referral_stop", True)
    assert (note.recipient_id, note.message, note.home) == ("sw-2002", "consent_lost", True)
    assert not rules.may_show_details(stop, consent_permits=True)


def test_details_only_at_home_or_where_consent_permits_and_never_on_no_answer():
    (outside,) = rules.notices_for("referral_status_changed", status_changed("draft", "requested"))
    assert rules.may_show_details(outside, True)
    assert not rules.may_show_details(outside, False)
    assert not rules.may_show_details(outside, None)


def test_the_inbox_always_the_rest_by_choice_and_webhooks_for_organisations():
    overdue = REFERRAL | {"accept_by": "2026-11-25T00:00:00+00:00"}
    (professional,) = rules.notices_for("referral_overdue", overdue)
    assert rules.channels_for(professional, (), has_webhook=True) == ["inbox"]
    assert rules.channels_for(professional, ("sms", "email"), has_webhook=False) == ["inbox", "email", "sms"]
    (partner,) = rules.notices_for("referral_status_changed", status_changed("draft", "requested"))
    assert rules.channels_for(partner, (), has_webhook=True) == ["inbox", "webhook"]


def test_backoff_doubles_up_to_the_cap_and_gives_up_after_the_last_try():
    policy = rules.RetryPolicy(max_attempts=4, base=timedelta(seconds=30), cap=timedelta(minutes=2))
    assert [policy.delay_after(n).total_seconds() for n in (1, 2, 3, 4, 5)] == [30, 60, 120, 120, 120]
    assert [policy.gives_up_after(n) for n in (1, 3, 4)] == [False, False, True]


@pytest.mark.parametrize("url", ["http://partner.example/hook", "https://127.0.0.1/hook",
                                 "https://10.1.2.3/hook", "https://[::1]/hook", "https://169.254.169.254/",
                                 "https://user:pw@partner.example/hook", "partner.example/hook"])
def test_webhook_targets_are_public_https_only(url):
    with pytest.raises(ValidationError) as refused:
        rules.check_webhook_url(url, allow_private=False)
    assert "url" in refused.value.errors


def test_private_targets_pass_only_where_configuration_allows_them():
    assert rules.check_webhook_url("https://partner.example/hook", allow_private=False)
    assert rules.check_webhook_url("http://127.0.0.1:8080/hook", allow_private=True)
    assert not rules.is_public(ipaddress.ip_address("192.168.1.1"))
    assert rules.is_public(ipaddress.ip_address("193.166.3.2"))


def test_consent_is_asked_only_about_a_recipient_away_from_home_who_might_see_details():
    (partner,) = rules.notices_for("referral_status_changed", status_changed("draft", "requested"))
    assert rules.consent_request(partner) == {"organisation": NGO, "professional": None, "category": "basic",
                                              "purpose": "referral"}
    (outside_member,) = rules.notices_for("member_added", member("ngo-7", NGO))
    assert rules.consent_request(outside_member)["professional"] == "ngo-7"
    (at_home,) = rules.notices_for("member_added", member("nurse-5", COUNTY))
    stop, _ = rules.notices_for("referral_stop_requested", REFERRAL | {
        "categories": ["basic"], "because": "consent_withdrawn", "key_worker_id": "sw-2002"})
    assert rules.consent_request(at_home) is None and rules.consent_request(stop) is None


def test_sms_never_carries_client_details_and_other_channels_only_when_allowed():
    assert not rules.carries_details(rules.Channel.SMS, details_allowed=True)
    assert rules.carries_details(rules.Channel.EMAIL, details_allowed=True)
    assert not rules.carries_details(rules.Channel.WEBHOOK, details_allowed=False)


def test_a_recipient_who_never_chose_is_told_in_finnish_in_the_inbox_and_each_channel_has_its_address():
    assert rules.Preferences() == rules.Preferences("fi", None, None, ())
    chosen = rules.Preferences("sv", "a@example.org", "+358 40 1", ("email", "sms"))
    assert [chosen.address_for(c) for c in rules.Channel] == [None, "a@example.org", "+358 40 1", None]


def test_an_inbox_item_is_read_by_its_own_recipient_only_and_the_first_reading_counts():
    item = {"item_id": "i-1", "channel": "inbox", "owner": "nurse-5"}
    assert rules.read_inbox_item(**item, reader="nurse-5", read_at=None, now=NOW) == NOW
    earlier = NOW - timedelta(days=1)
    assert rules.read_inbox_item(**item, reader="nurse-5", read_at=earlier, now=NOW) == earlier
    with pytest.raises(NotFound):
        rules.read_inbox_item(**item, reader="sw-1001", read_at=None, now=NOW)
    with pytest.raises(NotFound):
        rules.read_inbox_item(**item | {"channel": "email"}, reader="nurse-5", read_at=None, now=NOW)


def test_the_inbox_is_delivered_when_stored_and_other_channels_wait_due_at_once():
    assert rules.new_delivery(rules.Channel.INBOX, NOW) == rules.DeliveryState(
        rules.DeliveryStatus.SENT, 0, next_attempt_at=None, sent_at=NOW)
    assert rules.new_delivery(rules.Channel.EMAIL, NOW) == rules.DeliveryState(
        rules.DeliveryStatus.QUEUED, 0, next_attempt_at=NOW)


def test_a_delivery_is_taken_when_due_and_then_by_nobody_else_until_its_lease_ends():
    queued = rules.new_delivery(rules.Channel.EMAIL, NOW)
    with pytest.raises(Conflict):
        rules.take(queued, NOW - timedelta(seconds=1), timedelta(minutes=2))  # not due yet
    taken = rules.take(queued, NOW, timedelta(minutes=2))
    assert (taken.status, taken.lease_until) == ("sending", NOW + timedelta(minutes=2))
    assert not rules.is_due(taken, NOW + timedelta(minutes=1))
    assert rules.is_due(taken, NOW + timedelta(minutes=2))  # its sender crashed
    assert not rules.is_due(rules.new_delivery(rules.Channel.INBOX, NOW), NOW + timedelta(days=1))


def test_a_failed_attempt_backs_off_and_the_last_one_leaves_the_delivery_dead():
    policy = rules.RetryPolicy(max_attempts=2, base=timedelta(seconds=10), cap=timedelta(minutes=1))
    taken = rules.take(rules.new_delivery(rules.Channel.SMS, NOW), NOW, timedelta(minutes=2))
    failed = rules.after_attempt(taken, "sms: HTTP 500", NOW, policy)
    assert (failed.state.status, failed.state.next_attempt_at, failed.number, failed.outcome) == (
        "failed", NOW + timedelta(seconds=10), 1, "failed")
    assert (failed.state.lease_until, failed.state.last_error) == (None, "sms: HTTP 500")
    dead = rules.after_attempt(failed.state, "sms: HTTP 500", NOW, policy)
    assert (dead.state.status, dead.state.next_attempt_at, dead.outcome) == ("dead", None, "dead")
    sent = rules.after_attempt(taken, None, NOW, policy)
    assert (sent.state.status, sent.state.sent_at, sent.state.last_error) == ("sent", NOW, None)


def test_only_a_dead_delivery_is_redelivered_and_it_starts_a_fresh_round():
    with pytest.raises(Conflict) as refused:
        rules.redeliver(rules.new_delivery(rules.Channel.INBOX, NOW), NOW)
    assert refused.value.current_state == "sent"
    dead = rules.DeliveryState(rules.DeliveryStatus.DEAD, 6, None, last_error="webhook: HTTP 502")
    again = rules.redeliver(dead, NOW)
    assert (again.state.status, again.state.attempts, again.state.next_attempt_at) == ("queued", 0, NOW)
    assert (again.number, again.outcome) == (6, "redelivery")


def test_the_old_secret_signs_beside_the_new_one_until_the_overlap_ends():
    rotated = rules.rotate(rules.SigningSecrets("old"), "new", NOW, timedelta(hours=1))
    assert rules.secrets_in_force(rotated, NOW) == ["new", "old"]
    assert rules.secrets_in_force(rotated, NOW + timedelta(hours=1)) == ["new"]
    assert rules.secrets_in_force(rules.rotate(rotated, "newest", NOW, timedelta(0)), NOW) == ["newest"]


TEMPLATES = Path(notify.__file__).parent / "templates"
MESSAGES = sorted(p.stem for p in (TEMPLATES / "en").glob("*.txt") if not p.stem.startswith("_"))
CONTEXT = {"team_id": "t-1", "referral_id": "r-1", "service": "housing_guidance", "status": "accepted",
           "requesting_organisation": COUNTY, "target_organisation": NGO, "member_organisation": NGO,
           "because": "consent_withdrawn", "categories": ["basic"], "pending": False,
           "legal_basis": "threat_to_life_or_health", "statute": "812/2000 18 §",
           "recipient_organisation": "police-1", "recipient_kind": "police", "against_denial": True,
           "access_id": "a-1", "professional": "on-call-5", "organisation": COUNTY, "reason": "risk_to_life",
           "ends_at": "2024-06-01 16:00"}


@pytest.mark.parametrize("language", rules.LANGUAGES)
@pytest.mark.parametrize("message", MESSAGES)
def test_every_message_renders_in_every_language_and_without_details_names_nobody(language, message):
    notice = rules.Notice("r", rules.RecipientKind.PROFESSIONAL, message, CLIENT, home=True,
                          organisation=COUNTY, purpose="referral", context=CONTEXT)
    full = render.render(notice, language, "https://tiimi.example/x", {"name": "Maija Meikäläinen"})
    assert full.subject and full.body and full.with_details
    bare = render.render(notice, language, "https://tiimi.example/x", None)
    assert "Maija" not in bare.subject + bare.body and not bare.with_details
    assert "https://tiimi.example/x" in bare.body


def test_the_languages_differ_and_an_unknown_one_falls_back_to_finnish():
    notice = rules.Notice("r", rules.RecipientKind.PROFESSIONAL, "referral_overdue", CLIENT, home=True,
                          organisation=COUNTY, purpose="referral", context=CONTEXT)
    texts = {lang: render.render(notice, lang, "l", {"name": "M"}).body for lang in ("fi", "sv", "en", "de")}
    assert len({texts["fi"], texts["sv"], texts["en"]}) == 3
    assert texts["de"] == texts["fi"]
    assert re.search(r"housing guidance", texts["en"]) and "asumisneuvonta" in texts["fi"]


def test_each_language_has_the_same_messages():
    names = {lang: sorted(p.name for p in (TEMPLATES / lang).iterdir()) for lang in rules.LANGUAGES}
    assert names["fi"] == names["sv"] == names["en"]
    assert set(MESSAGES) == {n for kind in rules.NOTIFIED_EVENT_TYPES for n in _messages_of(kind)}


def _messages_of(kind):
    samples = {
        "member_added": [member("n-1", NGO)],
        "member_suspended": [member("n-1", NGO) | {"because": "consent_expired"}],
        "referral_status_changed": [status_changed("draft", "requested"),
                                    status_changed("requested", "accepted"),
                                    status_changed("requested", "cancelled")],
        "referral_overdue": [REFERRAL | {"accept_by": "x"}],
        "referral_escalated": [REFERRAL | {"escalate_by": "x", "key_worker_id": "sw-1"}],
        "referral_stop_requested": [REFERRAL | {"categories": ["basic"], "because": "consent_expired",
                                                "key_worker_id": "sw-1"}],
        "statutory_disclosure_recorded": [STATUTORY],
        "emergency_access_opened": [EMERGENCY],
    }
    return {n.message for data in samples[kind] for n in rules.notices_for(kind, data)}
