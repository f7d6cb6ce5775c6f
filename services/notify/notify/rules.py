"""Who is told what, how often a delivery is tried, where a webhook may go.

Pure functions: no I/O, no nameko.

A notice names a recipient, the kind of message, and how its content is
gated: a recipient of the organisation that holds the client's data (the
team's, or the requesting organisation of a referral) is *home* and may see
the client's name; anyone else only if consent permits ``basic`` for their
organisation and the purpose of the context. Otherwise the message carries no
client data at all, only that there is something new and a link.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from tiimi_shared.errors import ValidationError

CHANNELS = ("inbox", "email", "sms", "webhook")
LANGUAGES = ("fi", "sv", "en")
PROFESSIONAL, ORGANISATION = "professional", "organisation"
STATUSES = ("queued", "sending", "sent", "failed", "dead")

# The answers of a partner the requester hears about.
ANSWERS = ("accepted", "rejected", "in_progress", "on_hold", "completed", "failed")
# After these the partner must stop: the referral is withdrawn.
WITHDRAWN = ("cancelled", "entered_in_error")


@dataclass(frozen=True)
class Notice:
    recipient_id: str
    recipient_kind: str          # professional or organisation
    message: str                 # template name
    client_id: str
    home: bool                   # of the organisation that holds the client's data
    organisation: str | None     # the recipient's organisation, for the consent check
    purpose: str
    # Client details never, whatever consent says (a stop notice after a withdrawal).
    never_details: bool = False
    context: dict = field(default_factory=dict)

    @property
    def dedup_key(self) -> tuple[str, str]:
        return self.recipient_id, self.message


def notices_for(event_type: str, data: dict) -> list[Notice]:
    """The notices one event causes; an event nobody needs to hear about gives none."""
    handler = _BY_TYPE.get(event_type)
    return handler(data) if handler else []


def _member_added(data: dict) -> list[Notice]:
    if data["kind"] != "professional" or data["professional_id"] == data["key_worker_id"]:
        return []  # close ones are not reached through tiimi; the key worker made the team
    return [Notice(data["professional_id"], PROFESSIONAL, "member_added", data["client_id"],
                   home=data["organisation"] == data["team_organisation"], organisation=data["organisation"],
                   purpose="team_coordination", context={"team_id": data["team_id"],
                                                         "pending": data.get("status") == "pending_consent"})]


def _member_suspended(data: dict) -> list[Notice]:
    return [Notice(data["key_worker_id"], PROFESSIONAL, "member_suspended", data["client_id"], home=True,
                   organisation=data["team_organisation"], purpose="team_coordination",
                   context={"team_id": data["team_id"], "member_organisation": data["organisation"],
                            "because": data["because"]})]


def _referral_context(data: dict, **extra) -> dict:
    return {"referral_id": data["referral_id"], "service": data["service"],
            "requesting_organisation": data["requesting_organisation"],
            "target_organisation": data["target_organisation"]} | extra


def _to_requester(data: dict, message: str, **extra) -> Notice:
    return Notice(data["requested_by"], PROFESSIONAL, message, data["client_id"], home=True,
                  organisation=data["requesting_organisation"], purpose="referral",
                  context=_referral_context(data, **extra))


def _to_target(data: dict, message: str, *, never_details: bool = False, **extra) -> Notice:
    return Notice(data["target_organisation"], ORGANISATION, message, data["client_id"], home=False,
                  organisation=data["target_organisation"], purpose="referral", never_details=never_details,
                  context=_referral_context(data, **extra))


def _referral_status_changed(data: dict) -> list[Notice]:
    to_status = data["to_status"]
    if to_status == "requested":
        return [_to_target(data, "referral_received")]
    if to_status in ANSWERS:
        return [_to_requester(data, "referral_answered", status=to_status)]
    if to_status in WITHDRAWN and data["from_status"] != "draft":
        return [_to_target(data, "referral_withdrawn", never_details=True, status=to_status)]
    return []


def _referral_overdue(data: dict) -> list[Notice]:
    return [_to_requester(data, "referral_overdue")]


def _referral_escalated(data: dict) -> list[Notice]:
    if data["key_worker_id"] is None:
        return []
    return [Notice(data["key_worker_id"], PROFESSIONAL, "referral_escalated", data["client_id"], home=True,
                   organisation=None, purpose="referral", context=_referral_context(data))]


def _referral_stop_requested(data: dict) -> list[Notice]:
    notices = [_to_target(data, "referral_stop", never_details=True, categories=data["categories"],
                          because=data["because"])]
    if data["key_worker_id"] is not None:
        notices.append(Notice(data["key_worker_id"], PROFESSIONAL, "consent_lost", data["client_id"],
                              home=True, organisation=None, purpose="referral",
                              context=_referral_context(data, categories=data["categories"],
                                                        because=data["because"])))
    return notices


_BY_TYPE = {
    "member_added": _member_added,
    "member_suspended": _member_suspended,
    "referral_status_changed": _referral_status_changed,
    "referral_overdue": _referral_overdue,
    "referral_escalated": _referral_escalated,
    "referral_stop_requested": _referral_stop_requested,
}
HANDLED = tuple(_BY_TYPE)


def may_show_details(notice: Notice, consent_permits: bool | None) -> bool:
    """Client details only at home, or where consent permits them; None (no answer) is no."""
    if notice.never_details:
        return False
    return notice.home or consent_permits is True


def channels_for(notice: Notice, opted_in: tuple[str, ...] | list[str], has_webhook: bool) -> list[str]:
    """The channels a notice goes out on: the inbox always, the rest as the recipient opted in."""
    chosen = ["inbox"]
    for channel in ("email", "sms"):
        if channel in opted_in:
            chosen.append(channel)
    if notice.recipient_kind == ORGANISATION and has_webhook:
        chosen.append("webhook")
    return chosen


# -- retries ------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)

    def delay_after(self, attempts: int) -> timedelta:
        """Exponential backoff after the ``attempts``-th failure, never above the cap."""
        return min(self.base * (2 ** (attempts - 1)), self.cap)

    def gives_up_after(self, attempts: int) -> bool:
        return attempts >= self.max_attempts


# -- webhook targets ------------------------------------------------------------


def check_webhook_url(url: str, *, allow_private: bool) -> str:
    """An https URL with a host (http too where private targets are allowed, for tests)."""
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        raise ValidationError({"url": ["a webhook target must be an https URL"]})
    if parts.username or parts.password:
        raise ValidationError({"url": ["credentials do not belong in a webhook URL"]})
    if not allow_private:
        try:
            address = ipaddress.ip_address(parts.hostname)
        except ValueError:
            return url  # a name: its addresses are checked when it is called
        if not is_public(address):
            raise ValidationError({"url": ["a webhook target may not be a private or loopback address"]})
    return url


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return not (address.is_private or address.is_loopback or address.is_link_local or address.is_multicast
                or address.is_reserved or address.is_unspecified)
