"""Sealed columns: personal data encrypted at rest under named keys, and rotated in batches."""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from tiimi_shared import sealed
from tiimi_shared.sealed import (
    DataKeysMissing,
    Keyring,
    SealedJSON,
    SealedText,
    SealedValueUnreadable,
    key_of,
    rotate,
    rotate_until_done,
)
from tiimi_shared.tables import COMMAND_KEYS, command_keys_table

OLD, NEW = sealed.new_key(), sealed.new_key()
LEGACY = Fernet.generate_key().decode()

metadata = sa.MetaData()
people = sa.Table(
    "people", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", SealedText()),
    sa.Column("contact", SealedJSON()),
    sa.Column("code", sa.String(300), info=sealed.sealed_by_hand()),
    sa.Column("town", sa.String(40)),
)


def ring(*keys: tuple[str, str]) -> Keyring:
    return Keyring(list(keys))


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'sealed.db'}")
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def raw(engine: sa.Engine, column: str) -> list[str | None]:
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(sa.text(f"SELECT {column} FROM people ORDER BY id"))]


def read(engine: sa.Engine) -> list[tuple[str | None, object]]:
    with engine.connect() as connection:
        return [(row.name, row.contact) for row in connection.execute(
            sa.select(people.c.name, people.c.contact).order_by(people.c.id))]


# -- the keyring ------------------------------------------------------------------------------

def test_a_sealed_value_names_its_key_and_hides_the_text():
    keys = ring(("2026-11", NEW))
    value = keys.seal("Maija Meikäläinen")
    assert value.startswith("v1:2026-11:")
    assert "Maija" not in value and key_of(value) == "2026-11"
    assert keys.open(value) == "Maija Meikäläinen"
    assert keys.seal("Maija Meikäläinen") != value  # a fresh IV each time


def test_the_newest_key_seals_and_every_listed_key_opens():
    before = ring(("old", OLD)).seal("Matti")
    both = Keyring.parse(f"new:{NEW}, old:{OLD}")
    assert both.newest == "new" and both.ids == ("new", "old")
    assert both.open(before) == "Matti"
    assert key_of(both.seal("Matti")) == "new"
    assert key_of(both.reseal(before)) == "new"


def test_a_value_under_a_key_no_longer_listed_is_unreadable_and_the_error_names_only_the_key():
    value = ring(("old", OLD)).seal("Matti Virtanen")
    with pytest.raises(SealedValueUnreadable) as unreadable:
        ring(("new", NEW)).open(value)
    assert "old" in str(unreadable.value) and "Matti" not in str(unreadable.value)


def test_a_tampered_value_does_not_open():
    value = ring(("k", NEW)).seal("Matti")
    tampered = value[:-6] + ("A" if value[-6] != "A" else "B") + value[-5:]
    with pytest.raises(SealedValueUnreadable):
        ring(("k", NEW)).open(tampered)


@pytest.mark.parametrize("spec", [None, "", "  ", f"{NEW}", "k1:not-a-key", f"bad id:{NEW}",
                                  f"k1:{NEW},k1:{OLD}"])
def test_a_missing_or_malformed_key_list_is_refused_without_echoing_the_keys(spec):
    with pytest.raises(DataKeysMissing) as refused:
        Keyring.parse(spec)
    assert NEW not in str(refused.value) and OLD not in str(refused.value)


def test_the_process_keyring_comes_from_the_configuration(monkeypatch):
    monkeypatch.setenv("TIIMI_DATA_KEYS", f"from-env:{NEW}")
    sealed.install(None)
    try:
        assert sealed.keyring().newest == "from-env"
        monkeypatch.delenv("TIIMI_DATA_KEYS")
        sealed.install(None)
        with pytest.raises(DataKeysMissing, match="TIIMI_DATA_KEYS must be set"):
            sealed.keyring()
    finally:
        sealed.install(None)


# -- the column types -------------------------------------------------------------------------

def test_columns_are_sealed_in_the_row_and_read_back_unchanged(engine):
    contact = {"email": "maija@example.fi", "phone": "+358 40 123 4567", "address": "Hämeenkatu 1"}
    with sealed.using(ring(("k1", NEW))):
        with engine.begin() as connection:
            connection.execute(people.insert(), [{"id": 1, "name": "Maija Meikäläinen", "contact": contact},
                                                 {"id": 2, "name": None, "contact": None}])
        assert read(engine) == [("Maija Meikäläinen", contact), (None, None)]
    stored = " ".join(str(value) for value in raw(engine, "name") + raw(engine, "contact"))
    for plaintext in ("Maija", "Meikäläinen", "maija@example.fi", "358 40", "Hämeenkatu"):
        assert plaintext not in stored
    assert [key_of(value) for value in raw(engine, "name")[:1] + raw(engine, "contact")[:1]] == ["k1", "k1"]
    assert raw(engine, "name")[1] is None and raw(engine, "contact")[1] is None


def test_rows_written_before_sealing_read_as_they_were_stored(engine):
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO people (id, name, contact) VALUES "
                                   "(1, 'Matti', '{\"email\": \"matti@example.fi\"}')"))
    with sealed.using(ring(("k1", NEW))):
        assert read(engine) == [("Matti", {"email": "matti@example.fi"})]


def test_a_sealed_column_cannot_be_searched_in_sql():
    with pytest.raises(TypeError, match="cannot be searched"):
        people.c.name == "Maija"  # noqa: B015 (the comparison itself is what raises)
    with pytest.raises(TypeError):
        people.c.contact.in_([{}])
    assert str(people.c.name.is_(None)) == "people.name IS NULL"


def test_writing_without_data_keys_fails_loudly(engine, monkeypatch):
    monkeypatch.delenv("TIIMI_DATA_KEYS", raising=False)
    sealed.install(None)
    try:
        with pytest.raises(sa.exc.StatementError) as failed, engine.begin() as connection:
            connection.execute(people.insert(), {"id": 1, "name": "Maija"})
        assert isinstance(failed.value.orig, DataKeysMissing)
    finally:
        sealed.install(None)
    assert raw(engine, "name") == []


# -- rotation ---------------------------------------------------------------------------------

def fill(engine: sa.Engine, count: int) -> dict[int, tuple[str, dict[str, str]]]:
    """``count`` rows: a third under the old key, a third never sealed, a third with nothing in them."""
    written: dict[int, tuple[str, dict[str, str]]] = {}
    with engine.begin() as connection:
        for i in range(count):
            name, contact = f"Asiakas {i}", {"email": f"asiakas{i}@example.fi"}
            if i % 3 == 0:
                with sealed.using(ring(("old", OLD))):
                    connection.execute(people.insert(), {"id": i, "name": name, "contact": contact})
            elif i % 3 == 1:
                connection.execute(sa.text("INSERT INTO people (id, name, contact) VALUES (:i, :n, :c)"),
                                   {"i": i, "n": name, "c": json.dumps(contact)})
            else:
                connection.execute(people.insert(), {"id": i, "name": None, "contact": None})
                continue
            written[i] = (name, contact)
    return written


def test_rotation_seals_every_value_under_the_newest_key_in_batches(engine):
    written = fill(engine, 30)
    keys = ring(("new", NEW), ("old", OLD))
    batches: list[int] = []
    report = rotate(engine, metadata, keys, batch_size=7, progress=lambda table, rows: batches.append(rows))
    assert batches == [7, 7, 7, 7, 2]
    assert report.resealed == 40 and report.column("people.name").unsealed == 10
    assert report.column("people.name").by_key == {"old": 10}
    assert {key_of(v) for v in raw(engine, "name") + raw(engine, "contact") if v is not None} == {"new"}
    with sealed.using(ring(("new", NEW))):  # the old key retired: everything still reads
        assert dict(enumerate(read(engine))) == {i: written.get(i, (None, None)) for i in range(30)}
    again = rotate(engine, metadata, keys, batch_size=7)
    assert again.resealed == 0 and again.outside_newest == 0


def test_a_check_only_counts_and_changes_nothing(engine):
    fill(engine, 9)
    before = raw(engine, "name")
    report = rotate(engine, metadata, ring(("new", NEW), ("old", OLD)), write=False)
    assert report.outside_newest == 12 and report.resealed == 0
    assert raw(engine, "name") == before


def test_identity_tokens_from_before_the_data_keys_are_sealed_with_the_legacy_key(engine):
    with engine.begin() as connection:
        connection.execute(people.insert(), {"id": 1, "code": Fernet(LEGACY.encode()).encrypt(b"131052-308T")
                                             .decode()})
    keys = ring(("new", NEW))
    without = rotate(engine, metadata, keys)
    assert without.unreadable == ["people.code 1"] and key_of(raw(engine, "code")[0] or "") is None
    report = rotate(engine, metadata, keys, legacy_keys=[Fernet.generate_key().decode(), LEGACY])
    assert report.resealed == 1 and not report.unreadable
    assert keys.open(raw(engine, "code")[0] or "") == "131052-308T"


def test_a_value_rewritten_while_rotating_is_left_as_written(engine):
    with sealed.using(ring(("old", OLD))), engine.begin() as connection:
        connection.execute(people.insert(), {"id": 1, "name": "Maija"})
    keys = ring(("new", NEW), ("old", OLD))
    raw_people, key, _ = sealed._raw_table(people)
    with engine.begin() as connection:
        row = connection.execute(sa.select(raw_people)).mappings().one()
        # The service writes the row between the rotation's read and its update.
        with sealed.using(keys):
            connection.execute(people.update().values(name="Maija Virtanen"))
        report = sealed.Report(newest="new")
        sealed._one_value(connection, raw_people, key, row, "name", sealed.PLAINTEXT, keys, (), True, report)
    assert report.column("people.name").changed_meanwhile == 1 and report.resealed == 0
    with sealed.using(keys):
        assert read(engine) == [("Maija Virtanen", None)]


def test_passes_repeat_until_a_pass_finds_everything_under_the_newest_key(engine):
    fill(engine, 6)
    reports = rotate_until_done(engine, metadata, ring(("new", NEW), ("old", OLD)))
    assert [report.resealed for report in reports] == [8, 0]
    assert reports[-1].outside_newest == 0


def test_a_check_finds_a_value_under_the_newest_key_that_does_not_open(engine):
    keys = ring(("new", NEW))
    with sealed.using(keys), engine.begin() as connection:
        connection.execute(people.insert(), [{"id": 1, "name": "Maija"}, {"id": 2, "name": "Matti"}])
    with engine.begin() as connection:  # a value damaged at rest
        connection.execute(sa.text("UPDATE people SET name = :forged WHERE id = 2"),
                           {"forged": ring(("new", OLD)).seal("Matti")})
    report = rotate(engine, metadata, keys, write=False)
    assert report.unreadable == ["people.name 2"] and report.outside_newest == 0


def test_rotation_walks_a_table_keyed_by_several_columns_such_as_the_command_keys(tmp_path):
    keyed = sa.MetaData()
    answers = command_keys_table(keyed, sealed=True)
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'keys.db'}")
    keyed.create_all(engine)
    rows = [{"operation": operation, "key": key, "fingerprint": "f", "answer": {"name": f"{operation} {key}"},
             "recorded_at": datetime(2026, 11, 1, tzinfo=UTC)}
            for operation in ("team.add_member", "team.register_client") for key in ("k-1", "k-2", "k-3")]
    with sealed.using(ring(("old", OLD))), engine.begin() as connection:
        connection.execute(answers.insert(), rows[:5])
    with engine.begin() as connection:  # one from before the answers were sealed: plain JSON text
        connection.execute(COMMAND_KEYS.insert(), rows[5])
    keys = ring(("new", NEW), ("old", OLD))
    batches: list[int] = []
    report = rotate(engine, keyed, keys, batch_size=4, progress=lambda table, rows: batches.append(rows))
    assert batches == [4, 2]  # every row once, across the change of operation
    assert report.resealed == 6 and report.column("command_keys.answer").unsealed == 1
    with engine.connect() as connection:
        stored = [row[0] for row in connection.exec_driver_sql("SELECT answer FROM command_keys")]
    assert {key_of(value) for value in stored} == {"new"}
    with sealed.using(ring(("new", NEW))), engine.connect() as connection:
        read_back = connection.execute(sa.select(answers.c.operation, answers.c.key, answers.c.answer)
                                       .order_by(answers.c.operation, answers.c.key)).all()
    assert [row.answer for row in read_back] == [row["answer"] for row in rows]
    with engine.begin() as connection:  # a damaged value is named by its whole key
        forged = ring(("new", OLD)).seal("{}")
        connection.execute(sa.text("UPDATE command_keys SET answer = :forged WHERE key = 'k-2' AND "
                                   "operation = 'team.add_member'"), {"forged": forged})
    assert rotate(engine, keyed, keys, write=False).unreadable == ["command_keys.answer team.add_member/k-2"]
    engine.dispose()
