"""The ways out: e-mail over SMTP, signed webhooks, SMS through a gateway.

Each channel's ``send`` returns on success and raises ``DeliveryFailed`` with
a short reason (no message content, no address) on failure. They run in a
worker outside any database transaction; eventlet makes their sockets green.
``ChannelSender`` is the use cases' ``Sender``: it hands each message to its
channel.
"""
from __future__ import annotations

import ipaddress
import json
import smtplib
import socket
import ssl
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from datetime import datetime
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import requests
from standardwebhooks import Webhook

from notify.ports import DeliveryFailed, Outgoing
from notify.rules import Channel, is_public
from tiimi_shared.clock import wall_clock

__all__ = ["ChannelSender", "DeliveryFailed", "Email", "SmsGateway", "Webhooks", "sms_gateway"]

Config = Mapping[str, Any]


class Email:
    def __init__(self, config: Config):
        self.host = config.get("SMTP_HOST", "127.0.0.1")
        self.port = int(config.get("SMTP_PORT", 25))
        self.security = config.get("SMTP_SECURITY", "none")  # none, starttls or tls
        self.user = config.get("SMTP_USER")
        self.password = config.get("SMTP_PASSWORD")
        self.sender = config.get("SMTP_FROM", "tiimi <no-reply@tiimi.invalid>")
        self.timeout = float(config.get("SMTP_TIMEOUT", 10))

    def send(self, to: str, subject: str, body: str, message_id: str, language: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message["Message-ID"] = f"<{message_id}@tiimi>"
        message.set_content(body)
        message["Content-Language"] = language  # after set_content, which clears Content-* headers
        try:
            smtp: smtplib.SMTP
            if self.security == "tls":
                smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                        context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with smtp:
                if self.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryFailed(f"smtp: {type(error).__name__}") from None


class Webhooks:
    """POSTs signed to the Standard Webhooks scheme, with every secret in force."""

    def __init__(self, config: Config):
        self.allow_private = str(config.get("WEBHOOK_ALLOW_PRIVATE", "")).lower() in ("1", "true", "yes")
        self.timeout = float(config.get("WEBHOOK_TIMEOUT", 10))

    def headers(self, message_id: str, body: str, secrets: list[str], at: datetime) -> dict[str, str]:
        # During a rotation both the new and the old secret sign: a partner
        # verifying with either accepts the message.
        signatures = " ".join(Webhook(secret).sign(message_id, at, body) for secret in secrets)
        return {"content-type": "application/json", "webhook-id": message_id,
                "webhook-timestamp": str(int(at.timestamp())), "webhook-signature": signatures}

    def send(self, url: str, payload: dict[str, Any], message_id: str, secrets: list[str],
             at: datetime) -> None:
        """``at`` is the signing time, which the partner checks against its own clock."""
        self._check_target(url)
        body = json.dumps(payload, separators=(",", ":"), sort_keys=True)
        headers = self.headers(message_id, body, secrets, at)
        try:
            response = requests.post(url, data=body.encode(), headers=headers, timeout=self.timeout,
                                     allow_redirects=False)
        except requests.RequestException as error:
            raise DeliveryFailed(f"webhook: {type(error).__name__}") from None
        if not 200 <= response.status_code < 300:
            raise DeliveryFailed(f"webhook: HTTP {response.status_code}")

    def _check_target(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme != "https" and not self.allow_private:
            raise DeliveryFailed("webhook: not https")
        if self.allow_private:
            return
        try:
            addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
        except OSError:
            raise DeliveryFailed("webhook: host not found") from None
        if any(not is_public(ipaddress.ip_address(str(a).split("%")[0])) for a in addresses):
            raise DeliveryFailed("webhook: resolves to a private or loopback address")


class SmsGateway(ABC):
    """Where text messages go; one implementation per provider."""

    @abstractmethod
    def send(self, to: str, text: str, message_id: str) -> None: ...


class HttpSmsGateway(SmsGateway):
    """A gateway that takes ``{"to", "text", "reference"}`` as JSON with a bearer token."""

    def __init__(self, url: str, token: str | None, timeout: float = 10.0):
        self.url, self.token, self.timeout = url, token, timeout

    def send(self, to: str, text: str, message_id: str) -> None:
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            response = requests.post(self.url, json={"to": to, "text": text, "reference": message_id},
                                     headers=headers, timeout=self.timeout)
        except requests.RequestException as error:
            raise DeliveryFailed(f"sms: {type(error).__name__}") from None
        if not 200 <= response.status_code < 300:
            raise DeliveryFailed(f"sms: HTTP {response.status_code}")


class NoSmsGateway(SmsGateway):
    def send(self, to: str, text: str, message_id: str) -> None:
        raise DeliveryFailed("sms: no gateway configured (SMS_GATEWAY_URL)")


def sms_gateway(config: Config) -> SmsGateway:
    url = config.get("SMS_GATEWAY_URL")
    if not url:
        return NoSmsGateway()
    return HttpSmsGateway(url, config.get("SMS_GATEWAY_TOKEN"), float(config.get("SMS_TIMEOUT", 10)))


class ChannelSender:
    """Sends each message on its own channel.

    A webhook is signed with the machine's time, not the injected clock: the
    partner checks the timestamp against its own clock to refuse replays, so a
    service whose clock is moved (a local run, a test) must still sign with
    the real one.
    """

    def __init__(self, email: Email, sms: SmsGateway, webhooks: Webhooks,
                 signing_clock: Callable[[], datetime] = wall_clock):
        self.email, self.sms, self.webhooks = email, sms, webhooks
        self.signing_clock = signing_clock

    def send(self, message: Outgoing) -> None:
        if message.channel == Channel.EMAIL:
            self.email.send(_address(message), message.subject, message.body, message.delivery_id,
                            message.language)
        elif message.channel == Channel.SMS:
            self.sms.send(_address(message), message.body, message.delivery_id)
        elif message.channel == Channel.WEBHOOK:
            if not message.url:
                raise DeliveryFailed("webhook: the partner has no webhook registered")
            self.webhooks.send(message.url, message.payload, message.delivery_id, list(message.secrets),
                               self.signing_clock())
        else:
            raise DeliveryFailed(f"unknown channel {message.channel}")


def _address(message: Outgoing) -> str:
    if not message.address:
        raise DeliveryFailed(f"{message.channel}: no address")
    return message.address
