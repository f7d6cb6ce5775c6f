"""Partners' webhook signing secrets at rest: rows from before, the migration, and rotate-keys.

On SQLite and PostgreSQL: webhooks written as revision 0003 kept them (both secrets
in plain text) sign with the same secrets after migration 0004, and one rotation
leaves every secret sealed under the newest data key, readable after the old key
is gone.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

import notify
from notify.models import Base, PartnerWebhook
from tiimi_shared import migrations, sealed
from tiimi_shared.database import make_engine

pytestmark = pytest.mark.integration

MIGRATIONS = Path(notify.__file__).parent / "migrations"
NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
# Secrets long enough to show the column is wider than the 200 characters it was.
SECRETS = {f"{i:07d}-{i % 10}": ("whsec_" + f"{i:03d}" * 80, "whsec_old" + f"{i:03d}" * 60 if i % 2 else None)
           for i in range(7)}


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    migrations.upgrade(MIGRATIONS, database_url, "0003")
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def secrets_of(engine: sa.Engine) -> dict[str, tuple[str, str | None]]:
    with Session(engine) as session:
        return {hook.organisation: (hook.secret, hook.previous_secret)
                for hook in session.scalars(sa.select(PartnerWebhook))}


def test_secrets_from_before_sign_unchanged_and_rotation_seals_them_all(engine, database_url):
    webhooks = sa.Table("webhooks", sa.MetaData(), autoload_with=engine)
    with engine.begin() as connection:
        connection.execute(webhooks.insert(), [
            {"organisation": organisation, "url": f"https://{organisation}.example/hooks",
             "secret": secret[:200],
             "previous_secret": previous and previous[:200], "previous_until": NOW + timedelta(hours=1),
             "updated_at": NOW} for organisation, (secret, previous) in SECRETS.items()])
    before = {organisation: (secret[:200], previous and previous[:200])
              for organisation, (secret, previous) in SECRETS.items()}
    migrations.upgrade(MIGRATIONS, database_url)
    new = sealed.new_key()
    both = sealed.Keyring([("new", new), ("old", sealed.new_key())])

    with sealed.using(both):
        assert secrets_of(engine) == before
        reports = sealed.rotate_until_done(engine, Base.metadata, both, batch_size=3)
        assert reports[0].resealed == 7 + 3 and reports[-1].outside_newest == 0

        # A secret written now, longer than the column allowed before, is sealed too.
        with Session(engine) as session:
            hook = session.get_one(PartnerWebhook, "0000001-1")
            hook.secret = SECRETS["0000001-1"][0]
            session.commit()

    with engine.connect() as connection:
        stored = [value for row in connection.execute(sa.text("SELECT secret, previous_secret FROM webhooks"))
                  for value in row if value is not None]
    assert len(stored) == 10 and all(sealed.key_of(value) == "new" for value in stored)
    assert not [value for value in stored if "whsec" in value]
    with sealed.using(sealed.Keyring([("new", new)])):  # the old key retired
        assert secrets_of(engine) == before | {"0000001-1": (SECRETS["0000001-1"][0], before["0000001-1"][1])}
