"""Notify's commands repeated with one key: answered as the first time, no signing secret kept."""
import pytest
import sqlalchemy as sa

from notify.models import Base
from tiimi_shared.errors import ValidationError

pytestmark = pytest.mark.integration

NGO = "1.2.246.10.1"


def keyed_answers(url):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            # Through the service's own table, whose answers are sealed: opened, they hold none of it.
            kept = Base.metadata.tables["command_keys"]
            return [row.answer for row in connection.execute(sa.select(kept.c.answer))]
    finally:
        engine.dispose()


def test_a_rotation_repeated_with_its_key_rotates_once_and_its_secret_is_not_kept(
        notify_rpc, notify_config, receiver):
    url = notify_config["DATABASE_URL"]
    notify_rpc.register_webhook(organisation=NGO, url=receiver.url)
    first = notify_rpc.rotate_webhook_secret(organisation=NGO, idempotency_key="rotate-1")
    assert first["secret"]
    again = notify_rpc.rotate_webhook_secret(organisation=NGO, idempotency_key="rotate-1")
    # The same rotation, answered without the secret, which was shown once and is not kept.
    assert again == first | {"secret": None}
    assert first["secret"] not in str(keyed_answers(url))
    assert len(keyed_answers(url)) == 2  # the registration's and the rotation's
    with pytest.raises(ValidationError) as refused:
        notify_rpc.rotate_webhook_secret(organisation=NGO, overlap_hours=1, idempotency_key="rotate-1")
    assert "idempotency_key" in refused.value.errors


def test_preferences_set_twice_with_one_key_answer_the_same(notify_rpc, notify_config):
    first = notify_rpc.set_preferences(recipient_id="sw-1001", language="sv", idempotency_key="prefs-1")
    again = notify_rpc.set_preferences(recipient_id="sw-1001", language="sv", idempotency_key="prefs-1")
    assert again == first
    assert len(keyed_answers(notify_config["DATABASE_URL"])) == 1
