"""The legal bases on which data is disclosed without consent: read from a file, not written in code.

The county's data protection officer keeps the list (``deploy/legal-bases.example.json`` is an
example, and the default). Each basis names its statute, says what it is in fi, sv and en, and
which categories it may cover to which kinds of recipient. The file is read and checked once, at
start: a malformed one stops the service with a message naming the problem, rather than letting
disclosures be judged against a list nobody meant.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tiimi_shared.vocabulary import Category, Language, RecipientKind, values

VARIABLE = "TIIMI_LEGAL_BASES"
CONFIG_KEY = "LEGAL_BASES"
# The example shipped with tiimi, beside the other deployment files.
EXAMPLE = Path(__file__).resolve().parents[3] / "deploy" / "legal-bases.example.json"

_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_LANGUAGES = values(Language)
_CATEGORIES = values(Category)
_RECIPIENT_KINDS = values(RecipientKind)
_BASIS_FIELDS = frozenset({"id", "statute", "description", "categories", "recipient_kinds"})


class LegalBasesInvalid(ValueError):
    """The legal-bases file cannot be used; the message names the file's problem."""


@dataclass(frozen=True)
class LegalBasis:
    id: str
    statute: str
    description: Mapping[str, str]  # by language: fi, sv, en
    categories: frozenset[str]
    recipient_kinds: frozenset[str]

    def as_dict(self) -> dict[str, Any]:
        """As the list is answered: the categories and kinds in the vocabulary's order."""
        return {"id": self.id, "statute": self.statute, "description": dict(self.description),
                "categories": [c for c in _CATEGORIES if c in self.categories],
                "recipient_kinds": [k for k in _RECIPIENT_KINDS if k in self.recipient_kinds]}


def parse(document: Any) -> dict[str, LegalBasis]:
    """The bases of a legal-bases document (its JSON), by id; LegalBasesInvalid names what is wrong."""
    if not isinstance(document, Mapping) or not isinstance(document.get("legal_bases"), list):
        raise LegalBasesInvalid("the file must be an object with a list under 'legal_bases'")
    bases: dict[str, LegalBasis] = {}
    for position, entry in enumerate(document["legal_bases"]):
        basis = _basis(entry, f"legal_bases[{position}]")
        if basis.id in bases:
            raise LegalBasesInvalid(f"legal_bases[{position}].id: {basis.id!r} is listed twice")
        bases[basis.id] = basis
    if not bases:
        raise LegalBasesInvalid("legal_bases: the list is empty")
    return bases


def _basis(entry: Any, where: str) -> LegalBasis:
    if not isinstance(entry, Mapping):
        raise LegalBasesInvalid(f"{where}: each basis must be an object")
    missing = sorted(_BASIS_FIELDS - set(entry))
    if missing:
        raise LegalBasesInvalid(f"{where}: missing {', '.join(missing)}")
    unknown = sorted(set(entry) - _BASIS_FIELDS)
    if unknown:
        raise LegalBasesInvalid(f"{where}: unknown field {', '.join(unknown)}")
    basis_id = entry["id"]
    if not isinstance(basis_id, str) or not _ID.match(basis_id):
        raise LegalBasesInvalid(f"{where}.id: lower-case letters, digits and _, starting with a letter")
    statute = entry["statute"]
    if not isinstance(statute, str) or not statute.strip() or len(statute) > 100:
        raise LegalBasesInvalid(f"{where}.statute: the statute's reference, such as '812/2000 18 §'")
    description = entry["description"]
    if not isinstance(description, Mapping) or set(description) != set(_LANGUAGES) or not all(
            isinstance(text, str) and text.strip() for text in description.values()):
        raise LegalBasesInvalid(f"{where}.description: a text in each of {', '.join(_LANGUAGES)}, no other")
    return LegalBasis(id=basis_id, statute=statute.strip(),
                      description={language: description[language].strip() for language in _LANGUAGES},
                      categories=_codes(entry["categories"], _CATEGORIES, f"{where}.categories"),
                      recipient_kinds=_codes(entry["recipient_kinds"], _RECIPIENT_KINDS,
                                             f"{where}.recipient_kinds"))


def _codes(listed: Any, allowed: tuple[str, ...], where: str) -> frozenset[str]:
    if not isinstance(listed, list) or not listed:
        raise LegalBasesInvalid(f"{where}: a list of at least one of {', '.join(allowed)}")
    unknown = [code for code in listed if code not in allowed]
    if unknown:
        raise LegalBasesInvalid(f"{where}: {unknown[0]!r} is not one of {', '.join(allowed)}")
    if len(set(listed)) != len(listed):
        raise LegalBasesInvalid(f"{where}: each value once")
    return frozenset(listed)


def path_of(config: Mapping[str, Any], env: Mapping[str, str] | None = None) -> Path:
    """Where the list is read from: the service's LEGAL_BASES, else TIIMI_LEGAL_BASES, else the example."""
    env = os.environ if env is None else env
    chosen = config.get(CONFIG_KEY) or env.get(VARIABLE)
    return Path(chosen) if chosen else EXAMPLE


def load(path: Path) -> dict[str, LegalBasis]:
    """The bases in the file at ``path``; LegalBasesInvalid, naming the file, if it cannot be used."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise LegalBasesInvalid(f"{path}: cannot be read ({error.strerror or error})") from None
    except json.JSONDecodeError as error:
        raise LegalBasesInvalid(f"{path}: not JSON (line {error.lineno}: {error.msg})") from None
    try:
        return parse(document)
    except LegalBasesInvalid as error:
        raise LegalBasesInvalid(f"{path}: {error}") from None

