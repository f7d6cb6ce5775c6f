"""A service stopped while its event consumer is still starting stops, whatever its handlers.

The event handlers' consumer is a consumer of its own, apart from the RPC one, so a service
can already answer an RPC while its event queues are still being set up: a stop then (an
operator's, or a test's right after the first answer) comes while that consumer is not
ready. Every handler unregisters; the service must stop, not hang on an error.
"""
import eventlet
import pytest

from tiimi_shared import contracts
from tiimi_shared.handlers import RefusingQueueConsumer, event_handler

pytestmark = pytest.mark.integration


class TwoHandlers:
    name = "two_handlers"

    @event_handler(contracts.DENIAL_RECORDED)
    def on_denial_recorded(self, event):
        pass

    @event_handler(contracts.CONSENT_WITHDRAWN)
    def on_consent_withdrawn(self, event):
        pass


def test_a_service_stopped_before_its_event_consumer_is_ready_stops(container_factory, rabbit_config,
                                                                     monkeypatch):
    setting_up = eventlet.event.Event()
    original = RefusingQueueConsumer.get_consumers

    def slow_to_be_ready(self, consumer_cls, channel):
        setting_up.send() if not setting_up.ready() else None
        eventlet.sleep(3)  # the consumer is not ready while this lasts
        return original(self, consumer_cls, channel)

    monkeypatch.setattr(RefusingQueueConsumer, "get_consumers", slow_to_be_ready)
    container = container_factory(TwoHandlers, rabbit_config)
    starting = eventlet.spawn(container.start)
    with eventlet.Timeout(10):
        setting_up.wait()
    consumer = next(extension for extension in container.extensions
                    if isinstance(extension, RefusingQueueConsumer))
    assert not consumer._consumers_ready.ready()

    with eventlet.Timeout(15):
        container.stop()  # raised "Trying to re-send() an already-triggered event" and never ended
        starting.wait()
    assert consumer._last_provider_unregistered.ready()
