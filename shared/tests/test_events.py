"""The envelope and the registry: an event that does not match its schema never goes out."""
import uuid

import pytest

from tiimi_shared import contracts
from tiimi_shared.errors import ValidationError
from tiimi_shared.events import EnvelopeSchema, EventRegistry, payload_schema
from tiimi_shared.logging import PERSONAL_KEYS

from .kernel_fixtures import count, prepare

DENIAL = {"denial_id": str(uuid.uuid4()), "client_id": str(uuid.uuid4()),
          "organisation": None, "categories": ["health"], "recorded_by": "sw-1"}


def test_a_made_event_is_a_valid_envelope():
    envelope = contracts.registry.make("denial_recorded", DENIAL, source="consent",
                                       correlation_id="req-1")
    loaded = EnvelopeSchema().load(envelope)
    assert loaded["type"] == "denial_recorded" and loaded["version"] == 1
    assert loaded["source"] == "consent" and loaded["correlation_id"] == "req-1"
    assert envelope["data"] == DENIAL
    assert contracts.registry.validate(envelope) is envelope


@pytest.mark.parametrize("change, field", [
    ({"categories": ["astrology"]}, "categories"),
    ({"client_id": "131052-308T"}, "client_id"),
    ({"name": "Matti"}, "name"),
])
def test_a_payload_that_does_not_match_its_schema_is_refused(change, field):
    with pytest.raises(ValidationError) as refused:
        contracts.registry.make("denial_recorded", DENIAL | change, source="consent")
    assert field in refused.value.errors


def test_missing_payload_field_is_named():
    data = dict(DENIAL)
    del data["recorded_by"]
    with pytest.raises(ValidationError) as refused:
        contracts.registry.make("denial_recorded", data, source="consent")
    assert list(refused.value.errors) == ["recorded_by"]


def test_unknown_type_and_wrong_publisher_are_refused():
    with pytest.raises(ValidationError) as unknown:
        contracts.registry.make("client_teleported", {}, source="consent")
    assert "type" in unknown.value.errors
    with pytest.raises(ValidationError) as wrong_source:
        contracts.registry.make("denial_recorded", DENIAL, source="team")
    assert "source" in wrong_source.value.errors


def test_an_event_type_is_declared_once():
    registry = EventRegistry()
    registry.register("team", "team_created", payload_schema())
    with pytest.raises(ValueError):
        registry.register("team", "team_created", payload_schema())


def test_no_event_payload_has_a_personal_data_field():
    for event_type in contracts.registry:
        assert not set(event_type.payload().fields) & PERSONAL_KEYS, event_type.name


def test_an_invalid_event_writes_nothing_to_the_outbox(tmp_path):
    engine, unit_of_work = prepare(f"sqlite:///{tmp_path / 'k.db'}")
    with unit_of_work() as uow:
        with pytest.raises(ValidationError):
            uow.outbox.add("denial_recorded", DENIAL | {"categories": []} | {"organisation": "bad id!"})
        uow.commit()
    from tiimi_shared.database import OUTBOX

    assert count(engine, OUTBOX) == 0
