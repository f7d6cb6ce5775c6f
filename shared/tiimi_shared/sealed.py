"""Personal data sealed at rest under keys from configuration, and rotated without downtime.

A sealed value is the text ``v1:<key id>:<Fernet token>``: Fernet (AES-128-CBC with
HMAC-SHA256, from the cryptography package, as the personal identity code always was)
under the data key the value names. The keys come from ``TIIMI_DATA_KEYS``, a comma
separated list of ``<key id>:<Fernet key>``, newest first: the newest seals every new
value, and every key in the list opens what it sealed. So a key is rotated by putting
a new one first, rolling the service, re-sealing what is stored (``python -m <service>
rotate-keys``) and then dropping the old key from the list (docs/runbook.md).

Columns hold sealed values through ``SealedText`` and ``SealedJSON``, which seal on
the way in and open on the way out. A value that is not sealed (a row written before
the column was sealed) reads as it was stored until ``rotate-keys`` seals it. Sealing
takes a fresh IV each time, so a sealed column cannot be searched or compared in SQL:
the types refuse such comparisons rather than silently match nothing.

Values are never logged or repeated in errors; errors name the key id at most.
"""
from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.sql import operators

from tiimi_shared import config as tiimi_config

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

VERSION = "v1"
PREFIX = VERSION + ":"
KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
VARIABLE = "TIIMI_DATA_KEYS"

# How a column's values were kept before they were sealed (see ``rotate``).
PLAINTEXT = "plaintext"    # the text itself
JSON_TEXT = "json"         # the JSON text of the value
FERNET_TOKEN = "token"     # a bare Fernet token under a legacy key (the team's identity codes)


class DataKeysMissing(RuntimeError):
    """No usable data keys are configured: nothing can be sealed or opened."""


class SealedValueUnreadable(RuntimeError):
    """A stored value does not open with the configured keys (the message never holds the value)."""


def _fernet(key: str) -> Fernet:
    # cryptography is imported when a key is first used: a process that seals nothing
    # (a migration, a readiness probe) does not carry it.
    from cryptography.fernet import Fernet

    return Fernet(key.encode())


class Keyring:
    """Data keys by id, newest first: the newest seals, every one of them opens."""

    def __init__(self, keys: Sequence[tuple[str, str]]):
        if not keys:
            raise DataKeysMissing(f"{VARIABLE} names no key")
        self._fernets: dict[str, Fernet] = {}
        for key_id, key in keys:
            if not KEY_ID.match(key_id):
                raise DataKeysMissing(f"{VARIABLE}: a key id is 1-40 letters, digits, '.', '_' or '-'")
            if key_id in self._fernets:
                raise DataKeysMissing(f"{VARIABLE}: key id {key_id} is given twice")
            try:
                self._fernets[key_id] = _fernet(key)
            except ValueError:
                raise DataKeysMissing(f"{VARIABLE}: key {key_id} is not a valid Fernet key") from None
        self.newest = keys[0][0]
        self.ids = tuple(self._fernets)

    @classmethod
    def parse(cls, spec: str | None) -> Keyring:
        """The keyring of ``<key id>:<Fernet key>,...`` (newest first)."""
        if not spec or not spec.strip():
            raise DataKeysMissing(f"{VARIABLE} must be set: <key id>:<Fernet key>, newest first")
        keys = []
        for entry in spec.split(","):
            key_id, colon, key = entry.strip().partition(":")
            if not colon:
                raise DataKeysMissing(f"{VARIABLE}: each entry is <key id>:<Fernet key>")
            keys.append((key_id, key))
        return cls(keys)

    def seal(self, plaintext: str) -> str:
        token = self._fernets[self.newest].encrypt(plaintext.encode()).decode()
        return f"{PREFIX}{self.newest}:{token}"

    def open(self, value: str) -> str:
        key_id, token = _parts(value)
        fernet = self._fernets.get(key_id)
        if fernet is None:
            raise SealedValueUnreadable(f"a stored value is sealed under key {key_id}, which {VARIABLE} "
                                        "does not hold")
        from cryptography.fernet import InvalidToken

        try:
            return fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise SealedValueUnreadable(f"a stored value does not open with key {key_id}") from None

    def reseal(self, value: str) -> str:
        """``value`` sealed again under the newest key."""
        return self.seal(self.open(value))


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


def key_of(value: str) -> str | None:
    """The id of the key that sealed ``value``; None for a value that is not sealed."""
    return _parts(value)[0] if is_sealed(value) else None


def _parts(value: str) -> tuple[str, str]:
    version, _, rest = value.partition(":")
    key_id, colon, token = rest.partition(":")
    if version != VERSION or not colon:
        raise SealedValueUnreadable("a stored value is not a sealed value of version " + VERSION)
    return key_id, token


def new_key() -> str:
    """A fresh Fernet key (url-safe base64 of 32 random bytes)."""
    import base64

    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def new_spec(key_id: str) -> str:
    """A ``TIIMI_DATA_KEYS`` value holding one fresh key, for local use and tests."""
    return f"{key_id}:{new_key()}"


# -- the process's keyring ---------------------------------------------------------------------
# One service runs per process, and its keys are the process's configuration: the
# column types find them here, read from TIIMI_DATA_KEYS when first needed.

_current: Keyring | None = None


def keyring() -> Keyring:
    """This process's keyring, from ``TIIMI_DATA_KEYS`` the first time; DataKeysMissing without it."""
    global _current
    if _current is None:
        _current = Keyring.parse(tiimi_config.data_keys())
    return _current


def install(ring: Keyring | None) -> None:
    """Use ``ring`` from now on (None: read ``TIIMI_DATA_KEYS`` again when next needed)."""
    global _current
    _current = ring


@contextmanager
def using(ring: Keyring) -> Iterator[Keyring]:
    """Inside the block, ``ring`` is the process's keyring (for tests and commands)."""
    before = _current
    install(ring)
    try:
        yield ring
    finally:
        install(before)


# -- column types -----------------------------------------------------------------------------

class _NotInSql(sa.types.TypeDecorator[Any]):
    """A sealed column: only IS NULL / IS NOT NULL can be asked of it in SQL."""

    impl = sa.Text
    cache_ok = True
    legacy = PLAINTEXT

    class comparator_factory(sa.types.TypeDecorator.Comparator[Any]):  # noqa: N801 (SQLAlchemy's name)
        def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
            if op in (operators.is_, operators.is_not):
                return super().operate(op, *other, **kwargs)
            raise TypeError("a sealed column cannot be searched or compared in SQL: each value is "
                            "encrypted with its own IV; select by another column and compare in Python")

        def reverse_operate(self, op: Any, other: Any, **kwargs: Any) -> Any:
            raise TypeError("a sealed column cannot be searched or compared in SQL")


class SealedText(_NotInSql):
    """Text sealed under the newest data key; unsealed (older) values read as stored."""

    legacy = PLAINTEXT
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise TypeError(f"a sealed text column takes str, not {type(value).__name__}")
        return keyring().seal(value)

    def process_result_value(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        return keyring().open(value) if is_sealed(value) else str(value)


class SealedJSON(_NotInSql):
    """A JSON value sealed under the newest data key; unsealed (older) JSON text reads as stored."""

    legacy = JSON_TEXT
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        return keyring().seal(json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            return json.loads(keyring().open(value) if is_sealed(value) else value)
        return value  # a driver that decoded an unsealed JSON column already


def sealed_by_hand(legacy: str = FERNET_TOKEN) -> dict[str, str]:
    """``info`` of a column the application seals itself (with ``keyring().seal``), for rotation."""
    return {"sealed": legacy}


def sealed_columns(table: sa.Table) -> list[tuple[sa.Column[Any], str]]:
    """The table's sealed columns, each with how its unsealed values were kept."""
    found: list[tuple[sa.Column[Any], str]] = []
    for column in table.columns:
        if isinstance(column.type, _NotInSql):
            found.append((column, column.type.legacy))
        elif "sealed" in column.info:
            found.append((column, str(column.info["sealed"])))
    return found


def sealed_tables(metadata: sa.MetaData) -> list[sa.Table]:
    return [table for table in metadata.sorted_tables if sealed_columns(table)]


# -- rotation ---------------------------------------------------------------------------------

@dataclass
class ColumnCount:
    """What one pass found in one column: values per key id, unsealed ones, and what it re-sealed."""

    by_key: dict[str, int] = field(default_factory=dict)
    unsealed: int = 0
    resealed: int = 0
    changed_meanwhile: int = 0

    def add_key(self, key_id: str) -> None:
        self.by_key[key_id] = self.by_key.get(key_id, 0) + 1


@dataclass
class Report:
    """Per ``table.column``: the counts of one pass over the database."""

    newest: str
    columns: dict[str, ColumnCount] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)  # "table.column pk": never the value

    def column(self, name: str) -> ColumnCount:
        return self.columns.setdefault(name, ColumnCount())

    @property
    def outside_newest(self) -> int:
        """Values not (yet) sealed under the newest key: under older keys or not sealed at all."""
        return sum(count.unsealed + sum(n for key, n in count.by_key.items() if key != self.newest)
                   for count in self.columns.values())

    @property
    def resealed(self) -> int:
        return sum(count.resealed for count in self.columns.values())

    @property
    def changed_meanwhile(self) -> int:
        return sum(count.changed_meanwhile for count in self.columns.values())

    def as_dict(self) -> dict[str, Any]:
        return {"newest": self.newest, "outside_newest": self.outside_newest, "resealed": self.resealed,
                "unreadable": len(self.unreadable),
                "columns": {name: {"by_key": count.by_key, "unsealed": count.unsealed,
                                   "resealed": count.resealed, "changed_meanwhile": count.changed_meanwhile}
                            for name, count in self.columns.items()}}


@dataclass(frozen=True)
class _PrimaryKey:
    """A raw table's primary key, of one column or several (the command keys' operation and key)."""

    columns: tuple[sa.Column[Any], ...]

    def after(self, last: tuple[Any, ...]) -> sa.ColumnElement[bool]:
        if len(self.columns) == 1:
            return self.columns[0] > sa.literal(last[0], self.columns[0].type)
        return sa.tuple_(*self.columns) > sa.tuple_(*last)

    def of(self, row: sa.RowMapping) -> tuple[Any, ...]:
        return tuple(row[column.name] for column in self.columns)

    def matches(self, row: sa.RowMapping) -> sa.ColumnElement[bool]:
        return sa.and_(*(column == row[column.name] for column in self.columns))

    def named(self, row: sa.RowMapping) -> str:
        return "/".join(str(part) for part in self.of(row))


def _raw_table(table: sa.Table) -> tuple[sa.Table, _PrimaryKey, list[tuple[str, str]]]:
    """A view of ``table`` with its primary key and its sealed columns as the text they store."""
    keys = list(table.primary_key.columns)
    if not keys:
        raise ValueError(f"{table.name}: rotation walks tables by their primary key, and it has none")
    sealed = [(column.name, legacy) for column, legacy in sealed_columns(table)]
    raw = sa.Table(table.name, sa.MetaData(),
                   *(sa.Column(key.name, key.type, primary_key=True) for key in keys),
                   *(sa.Column(name, sa.Text) for name, _ in sealed))
    return raw, _PrimaryKey(tuple(raw.c[key.name] for key in keys)), sealed


def _open_unsealed(value: str, legacy: str, legacy_keys: Sequence[str]) -> str:
    """The plaintext of a value stored before its column was sealed."""
    if legacy in (PLAINTEXT, JSON_TEXT):
        return value
    from cryptography.fernet import InvalidToken

    for key in legacy_keys:
        try:
            return _fernet(key).decrypt(value.encode()).decode()
        except InvalidToken:
            continue
    raise SealedValueUnreadable("a stored value sealed before the data keys opens with no legacy key")


def rotate(engine: sa.Engine, metadata: sa.MetaData, ring: Keyring, *, batch_size: int = 200,
           legacy_keys: Sequence[str] = (), write: bool = True, pause: float = 0.0,
           progress: Callable[[str, int], None] | None = None) -> Report:
    """One pass: every sealed value not under the newest key is sealed again under it.

    Each table is walked in primary-key order, ``batch_size`` rows per transaction,
    so no lock is held for long and the service keeps reading and writing. A value is
    replaced only if it is still the one read (``UPDATE ... WHERE column = <as read>``):
    a value the service rewrote meanwhile is left as written, and counted, since a
    service that holds the new key already wrote it under the newest key. With
    ``write=False`` the pass only counts (the runbook's check).
    """
    report = Report(newest=ring.newest)
    for table in sealed_tables(metadata):
        raw, key, columns = _raw_table(table)
        last: Any = None
        while True:
            with engine.begin() as connection:
                query = sa.select(raw).order_by(*key.columns).limit(batch_size)
                if last is not None:
                    query = query.where(key.after(last))
                rows = connection.execute(query).mappings().all()
                for row in rows:
                    for name, legacy in columns:
                        _one_value(connection, raw, key, row, name, legacy, ring, legacy_keys, write,
                                   report)
            if not rows:
                break
            last = key.of(rows[-1])
            if progress is not None:
                progress(table.name, len(rows))
            if pause:
                time.sleep(pause)
    return report


def _one_value(connection: sa.Connection, raw: sa.Table, key: _PrimaryKey, row: sa.RowMapping,
               name: str, legacy: str, ring: Keyring, legacy_keys: Sequence[str], write: bool,
               report: Report) -> None:
    value = row[name]
    if value is None:
        return
    count = report.column(f"{raw.name}.{name}")
    key_id = key_of(value)
    if key_id is None:
        count.unsealed += 1
    else:
        count.add_key(key_id)
    if key_id == ring.newest:
        if not write:  # the check opens these too: a value that does not open is no use under any key
            try:
                ring.open(value)
            except SealedValueUnreadable:
                report.unreadable.append(f"{raw.name}.{name} {key.named(row)}")
        return
    try:
        plaintext = ring.open(value) if key_id is not None else _open_unsealed(value, legacy, legacy_keys)
    except SealedValueUnreadable:
        report.unreadable.append(f"{raw.name}.{name} {key.named(row)}")
        return
    if not write:
        return
    done = connection.execute(raw.update().where(key.matches(row), raw.c[name] == value)
                              .values({name: ring.seal(plaintext)}))
    if done.rowcount == 1:
        count.resealed += 1
    else:
        count.changed_meanwhile += 1


def rotate_until_done(engine: sa.Engine, metadata: sa.MetaData, ring: Keyring, *, passes: int = 3,
                      **options: Any) -> list[Report]:
    """Passes of ``rotate`` until one finds every value under the newest key (at most ``passes``).

    A value rewritten during a pass by a process still on the old keys would stay
    behind; the next pass finds it. The last report is the state of the database.
    """
    reports = [rotate(engine, metadata, ring, **options)]
    while reports[-1].resealed or reports[-1].changed_meanwhile:
        if len(reports) >= passes:
            break
        reports.append(rotate(engine, metadata, ring, **options))
    return reports


def describe(metadata: sa.MetaData) -> Iterable[str]:
    """``table.column`` of every sealed column, for logs and the runbook's check."""
    for table in sealed_tables(metadata):
        for column, _ in sealed_columns(table):
            yield f"{table.name}.{column.name}"
