"""Messages rendered from templates in fi, sv and en (Jinja2, one file per message and language).

A template's first line is the subject and the rest, after a blank line, the
body. A message that may not show client details is rendered from
``_minimal``: there is something new, and a link, nothing else. Messages that
never carry client data whatever consent says (telling a partner to stop) are
written that way and rendered with no client.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from notify.rules import DEFAULT_LANGUAGE, LANGUAGES, Notice

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
    """Where the recipient opens the item: identifiers only in the URL."""
    base = public_url.rstrip("/")
    if "referral_id" in notice.context:
        return f"{base}/referrals/{notice.context['referral_id']}"
    return f"{base}/teams/{notice.context['team_id']}"
