"""Messages rendered from templates in fi, sv and en (Jinja2, one file per message and language).

A template's first line is the subject and the rest, after a blank line, the
body. A message that may not show client details is rendered from
``_minimal``: there is something new, and a link, nothing else. Messages that
never carry client data whatever consent says (telling a partner to stop) are
written that way and rendered with no client.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined

from notify.rules import DEFAULT_LANGUAGE, LANGUAGES, Notice, RecipientKind

DEFAULT_PUBLIC_URL = "http://localhost:8000"

_ENVIRONMENT = Environment(loader=PackageLoader("notify", "templates"), undefined=StrictUndefined,
                           autoescape=False, keep_trailing_newline=True)


@dataclass(frozen=True)
class Rendered:
    language: str
    subject: str
    body: str
    with_details: bool


def render(notice: Notice, language: str, link: str, client: dict[str, Any] | None) -> Rendered:
    """``client`` is the client's details when they may be shown, else None."""
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    if client is None and not notice.never_details:
        name = "_minimal"
    else:
        name = notice.message
    text = _ENVIRONMENT.get_template(f"{language}/{name}.txt").render(
        link=link, client=client, **notice.context)
    subject, _, body = text.partition("\n\n")
    return Rendered(language, subject.strip(), body.strip() + "\n", client is not None)


def link_for(public_url: str, notice: Notice) -> str:
    """The web app's page of the item, on the gateway's origin (``public_url``): identifiers only.

    A partner organisation opens the referral addressed to it on its own page;
    a professional opens the client's page, with the referral the notice is
    about named so the page can open it.
    """
    base = public_url.rstrip("/")
    referral_id = notice.context.get("referral_id")
    if notice.recipient_kind == RecipientKind.ORGANISATION and referral_id is not None:
        return f"{base}/app/partner/referrals/{quote(str(referral_id), safe='')}"
    page = f"{base}/app/clients/{quote(notice.client_id, safe='')}"
    if referral_id is None:
        return page
    return f"{page}?{urlencode({'referral': referral_id})}"


def public_url_of(config: Mapping[str, Any]) -> str:
    """The gateway's origin, which serves the app: ``PUBLIC_URL``, else the address the gateway listens on."""
    if config.get("PUBLIC_URL"):
        return str(config["PUBLIC_URL"])
    host, _, port = str(config.get("WEB_SERVER_ADDRESS") or "").rpartition(":")
    if not host or not port:
        return DEFAULT_PUBLIC_URL
    if host in ("0.0.0.0", "::", "[::]"):  # every interface: this machine's name reaches it
        host = "localhost"
    return f"http://{host}:{port}"
