"""What a FHIR request names, read from its search parameters: which client, which organisation, which period.

A reference-typed parameter takes the plain id (``subject=<client id>``) or the relative
reference (``subject=Patient/<client id>``); tiimi serves no Patient or Organization, so the id
is tiimi's client id or the organisation's Business ID. A search that names a parameter tiimi
does not offer for that resource is refused, naming it, rather than answered as if the parameter
were not there: a client that meant to narrow the search would otherwise get more than it asked.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from urllib.parse import unquote

from tiimi_shared.errors import ValidationError

# Parameters any FHIR search may carry that change nothing tiimi answers.
IGNORED = frozenset({"_format", "_pretty"})


def parameters(query: Mapping[str, list[str]], offered: Collection[str], required: Collection[str]
               ) -> dict[str, str]:
    """Each offered parameter given once; refuses, naming it, one not offered, repeated or missing."""
    refused: dict[str, list[str]] = {}
    given: dict[str, str] = {}
    for name, values in query.items():
        if name in IGNORED:
            continue
        if name not in offered:
            refused[name] = [f"is not a search parameter here; use {', '.join(sorted(offered))}"]
        elif len(values) != 1 or not values[0]:
            refused[name] = ["must be given once, with a value"]
        else:
            given[name] = values[0]
    for name in required:
        if name not in given and name not in refused:
            refused[name] = ["is required"]
    if refused:
        raise ValidationError(refused)
    return given


def client(query: Mapping[str, list[str]], names: Collection[str]) -> str:
    """The client a search is about, named once by one of ``names`` (a client id or Patient/<client id>)."""
    given = parameters(query, offered=names, required=())
    if len(given) != 1:
        first = next(iter(names))
        raise ValidationError({first: [f"name the client once, by {' or '.join(names)}"]})
    [(name, value)] = given.items()
    return reference_id(name, value, "Patient")


def header_text(name: str, value: str) -> str:
    """A header's text, percent-decoded as UTF-8: a header carries ASCII, and a reason may be in Finnish."""
    try:
        return unquote(value, errors="strict")
    except UnicodeDecodeError:
        raise ValidationError({name: ["must be UTF-8, percent-encoded"]}) from None


def reference_id(name: str, value: str, resource_type: str) -> str:
    """The id a reference parameter names, as ``<id>`` or ``<resource_type>/<id>``."""
    found = value.removeprefix(f"{resource_type}/")
    if not found or "/" in found or "|" in found:
        raise ValidationError({name: [f"must be an id or {resource_type}/<id>"]})
    return found


def moment(name: str, value: str) -> str:
    """A moment with its time zone, as FHIR's dateTime writes one; refused, naming the parameter, if not."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ValidationError({name: ["must be a date and time with its zone, e.g. 2026-01-31T00:00:00Z"]})
    return parsed.isoformat()
