"""What notify asks other services, always with a timeout and never fatally, and its ways out."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from nameko.extensions import DependencyProvider
from nameko.rpc import RpcProxy

from notify import channels, render
from notify.rules import RetryPolicy
from tiimi_shared.logging import get_logger
from tiimi_shared.rpc import call

log = get_logger(__name__)


class ClientDetails(RpcProxy):
    """The client's name from the team service, when a message may show it."""

    def __init__(self, **kwargs: Any):
        super().__init__("team", **kwargs)

    def get_dependency(self, worker_ctx: Any) -> Any:
        team = super().get_dependency(worker_ctx)
        timeout = float(self.container.config.get("TEAM_TIMEOUT", 3))

        def details(client_id: str) -> dict[str, Any] | None:
            try:
                client = call(team, "get_client", timeout, client_id=client_id)
            except Exception as error:
                # Without the details the message goes out without them: it says less, not more.
                log.warning("client details not available; message sent without them",
                            error=type(error).__name__)
                return None
            return {"name": client["name"]}

        return details


class Channels(DependencyProvider):
    """The configured ways out and the retry policy, built once per container."""

    def setup(self) -> None:
        config = self.container.config
        # Links in messages open the web app, which the gateway serves on its own origin.
        self.public_url: str = render.public_url_of(config)
        self.webhooks = channels.Webhooks(config)
        self.sender = channels.ChannelSender(
            email=channels.Email(config),
            sms=config.get("SMS_GATEWAY") or channels.sms_gateway(config),
            webhooks=self.webhooks)
        self.policy = RetryPolicy(
            max_attempts=int(config.get("DELIVERY_MAX_ATTEMPTS", 6)),
            base=_seconds(config.get("DELIVERY_BACKOFF_BASE", 30)),
            cap=_seconds(config.get("DELIVERY_BACKOFF_CAP", 3600)))

    @property
    def allow_private_webhooks(self) -> bool:
        return self.webhooks.allow_private

    def get_dependency(self, worker_ctx: Any) -> Channels:
        return self


def _seconds(value: Any) -> timedelta:
    return timedelta(seconds=float(value))
