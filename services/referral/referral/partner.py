"""The partner event stream: what partner organisations receive over AMQP.

Messages go to the durable topic exchange ``tiimi.partners`` with the routing
key ``<organisation>.<message type>``, where a ``.`` inside the organisation
identifier (an OID such as 1.2.246.10.1) is written ``%2E`` so that the
organisation is always exactly one word of the key. Each partner has one
durable queue, ``partner.<organisation>``, bound with ``<organisation>.#``;
the relay declares it before the first publish to it, so nothing addressed to
a partner is dropped for want of a queue. A partner's broker user may read
that queue and nothing else (see the README).

Messages are the tiimi event envelope. Their payloads are declared here and
in ``docs/asyncapi.yaml``; a test holds the two together.
"""
from __future__ import annotations

from typing import Any, Final

from kombu.entity import Exchange, Queue
from marshmallow import fields, validate

from tiimi_shared.contracts import CATEGORIES, IDENTIFIER, STOP_BECAUSE
from tiimi_shared.events import EventRegistry, EventType, payload_schema
from tiimi_shared.outbox import Route

EXCHANGE = "tiimi.partners"
registry = EventRegistry()


def routing_word(organisation: str) -> str:
    return organisation.replace(".", "%2E")


def queue_name(organisation: str) -> str:
    return f"partner.{organisation}"


def exchange() -> Exchange:
    return Exchange(EXCHANGE, type="topic", durable=True)


def partner_queue(organisation: str) -> Queue:
    return Queue(queue_name(organisation), exchange=exchange(),
                 routing_key=f"{routing_word(organisation)}.#", durable=True, auto_delete=False)


def route(envelope: dict[str, Any], config: dict[str, Any]) -> Route:
    organisation = envelope["data"]["target_organisation"]
    return Route(exchange(), f"{routing_word(organisation)}.{envelope['type']}",
                 (exchange(), partner_queue(organisation)))


def _identifier(**kw: Any) -> fields.String:
    return fields.String(validate=IDENTIFIER, **kw)


# How every partner message names its referral.
_referral_fields = dict(
    referral_id=fields.UUID(required=True),
    # A pseudonym: the partner learns who the client is only from shared `basic` data.
    client_id=fields.UUID(required=True),
    requesting_organisation=_identifier(required=True),
    target_organisation=_identifier(required=True),
)

REFERRAL_REQUESTED: Final[EventType] = registry.register(
    "referral", "referral_requested",
    payload_schema(
        **_referral_fields,
        requested_by=_identifier(required=True),
        service=fields.String(required=True),
        priority=fields.String(required=True),
        accept_by=fields.AwareDateTime(required=True),
        # Only the categories consent permits for this organisation and purpose `referral`.
        shared=fields.Dict(keys=fields.String(validate=validate.OneOf(CATEGORIES)), values=fields.Dict(),
                           required=True),
    ),
)
REFERRAL_CANCELLED: Final[EventType] = registry.register(
    "referral", "referral_cancelled",
    payload_schema(**_referral_fields, cancelled_at=fields.AwareDateTime(required=True)),
)
REFERRAL_ENTERED_IN_ERROR: Final[EventType] = registry.register(
    "referral", "referral_entered_in_error",
    payload_schema(**_referral_fields, marked_at=fields.AwareDateTime(required=True)),
)
REFERRAL_STOP_PROCESSING: Final[EventType] = registry.register(
    "referral", "referral_stop_processing",
    payload_schema(
        **_referral_fields,
        # Stop processing the data of these categories shared with this referral.
        categories=fields.List(fields.String(validate=validate.OneOf(CATEGORIES)), required=True),
        because=fields.String(required=True, validate=validate.OneOf(STOP_BECAUSE)),
        at=fields.AwareDateTime(required=True),
    ),
)
