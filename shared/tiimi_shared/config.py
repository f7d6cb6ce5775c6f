"""Configuration, read from the environment in this one place.

Every variable has a default that works on a developer machine: RabbitMQ on
localhost and one SQLite file per service under ``var/``.

| variable                       | default                                   |
|--------------------------------|-------------------------------------------|
| TIIMI_AMQP_URI                 | amqp://guest:guest@127.0.0.1:5672/        |
| TIIMI_<SERVICE>_DATABASE_URL   | sqlite:///<TIIMI_VAR_DIR>/<service>.db    |
| TIIMI_VAR_DIR                  | ./var                                     |
| TIIMI_LOG_LEVEL                | INFO                                      |
| TIIMI_OUTBOX_INTERVAL          | 0.5 (seconds between outbox relay runs)   |
| TIIMI_EXPIRY_INTERVAL          | 5 (seconds between consent expiry sweeps) |
| TIIMI_CHAIN_INTERVAL           | 0.5 (seconds between disclosure log chainings) |
| TIIMI_MAX_WORKERS              | 10 (concurrent workers per service)       |
| TIIMI_IDENTITY_KEY             | none: opens identity codes sealed before the data keys |
| TIIMI_LOOKUP_KEY               | none: keys the hash that finds them       |
| TIIMI_DATA_KEYS                | none: `<id>:<Fernet key>,...`, newest first (sealed.py) |
| TIIMI_DEADLINE_INTERVAL        | 10 (seconds between referral deadline sweeps) |
| TIIMI_COMMAND_KEY_DAYS         | 7 (days a command's key and answer are kept) |
| TIIMI_CLOCK_OFFSET_FILE        | none; `make run` sets var/clock-offset (local only) |

Service-specific settings pass through as ``TIIMI_<KEY>`` -> ``<KEY>`` for
the keys in ``PASS_THROUGH`` (the notify service's SMTP, SMS and webhook
settings, the public URL of links, timeouts and intervals, the web app's OpenID
provider and build); see the README.

The keys are secrets: the team service will not start without its lookup key,
and team, referral and notify not without their data keys. ``make run`` makes
them for local use under ``var/`` the first time.
"""
from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"

PASS_THROUGH = (
    "CONSENT_TIMEOUT", "TEAM_TIMEOUT", "PUBLIC_URL",
    "SMTP_HOST", "SMTP_PORT", "SMTP_SECURITY", "SMTP_USER", "SMTP_PASSWORD", "SMTP_FROM",
    "SMS_GATEWAY_URL", "SMS_GATEWAY_TOKEN", "WEBHOOK_ALLOW_PRIVATE",
    "DELIVERY_INTERVAL", "DELIVERY_MAX_ATTEMPTS", "DELIVERY_BACKOFF_BASE", "DELIVERY_BACKOFF_CAP",
    "JWT_SECRET", "JWT_PUBLIC_KEY", "JWT_JWKS_URL", "JWT_ISSUER", "JWT_AUDIENCE", "MAX_BODY_BYTES",
    "RPC_TIMEOUT", "OPS_ADDRESS", "QUEUE_TYPE", "DEADLINE_INTERVAL", "CLOCK_OFFSET_FILE", "CHAIN_INTERVAL",
    "OIDC_ISSUER", "OIDC_CLIENT", "WEB_DIST", "COMMAND_KEY_DAYS", "COMMAND_KEY_SWEEP_INTERVAL",
)

# How long a command's key and answer are kept (tiimi_shared.idempotency): well past any
# caller's retry (the gateway's clients retry within minutes or hours; Stripe keeps its
# keys 24 hours) and past the broker's redelivery, which comes when the service next
# starts, however long it was down: a request waits in its queue with no expiry, so the
# window must outlast a long weekend's outage. A repeat after the window is run as new.
DEFAULT_COMMAND_KEY_DAYS = 7.0
# Seconds between sweeps of the keys past the window (the first comes a minute after start).
DEFAULT_COMMAND_KEY_SWEEP_INTERVAL = 3600.0


def _postgres_driver(url: str) -> str:
    # psycopg2 (C), made green by eventlet in tiimi_shared.database, so that a
    # query waiting on PostgreSQL lets other workers run. It costs less CPU per
    # query than pg8000 (pure Python), which was used before: a URL naming it is
    # moved over too.
    for plain in ("postgresql://", "postgres://", "postgresql+pg8000://"):
        if url.startswith(plain):
            return "postgresql+psycopg2://" + url[len(plain):]
    return url


@dataclass(frozen=True)
class Settings:
    service: str
    amqp_uri: str
    database_url: str
    log_level: str
    outbox_interval: float
    expiry_interval: float
    max_workers: int
    identity_key: str | None = None
    lookup_key: str | None = None
    passed_through: tuple[tuple[str, str], ...] = ()
    http_address: str = "0.0.0.0:8000"

    def nameko_config(self) -> dict[str, Any]:
        """The config dict a nameko container of this service runs with."""
        return {
            "AMQP_URI": self.amqp_uri,
            "DATABASE_URL": self.database_url,
            "OUTBOX_INTERVAL": self.outbox_interval,
            "EXPIRY_INTERVAL": self.expiry_interval,
            "max_workers": self.max_workers,
            "IDENTITY_KEY": self.identity_key,
            "LOOKUP_KEY": self.lookup_key,
            # nameko's HTTP server (the gateway): host:port to listen on.
            "WEB_SERVER_ADDRESS": self.http_address,
            **dict(self.passed_through),
        }


def var_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("TIIMI_VAR_DIR", "var")).resolve()


def load(service: str, env: Mapping[str, str] | None = None) -> Settings:
    """Read the settings of ``service`` from the environment."""
    env = os.environ if env is None else env
    default_db = f"sqlite:///{var_dir(env) / (service + '.db')}"
    return Settings(
        service=service,
        amqp_uri=env.get("TIIMI_AMQP_URI", DEFAULT_AMQP_URI),
        database_url=_postgres_driver(
            env.get(f"TIIMI_{service.upper()}_DATABASE_URL", default_db)
        ),
        log_level=env.get("TIIMI_LOG_LEVEL", "INFO").upper(),
        outbox_interval=float(env.get("TIIMI_OUTBOX_INTERVAL", "0.5")),
        expiry_interval=float(env.get("TIIMI_EXPIRY_INTERVAL", "5")),
        max_workers=int(env.get("TIIMI_MAX_WORKERS", "10")),
        identity_key=env.get("TIIMI_IDENTITY_KEY"),
        lookup_key=env.get("TIIMI_LOOKUP_KEY"),
        passed_through=tuple((key, env["TIIMI_" + key]) for key in PASS_THROUGH if env.get("TIIMI_" + key)),
        http_address=env.get("TIIMI_HTTP_ADDRESS", "0.0.0.0:8000"),
    )


def data_keys(env: Mapping[str, str] | None = None) -> str | None:
    """``TIIMI_DATA_KEYS``: the keys that seal personal data at rest (see tiimi_shared.sealed)."""
    env = os.environ if env is None else env
    return env.get("TIIMI_DATA_KEYS")


def command_key_days(config: Mapping[str, Any]) -> float:
    """Days a command's key is kept (``COMMAND_KEY_DAYS`` of a nameko config), refusing nonsense."""
    raw = config.get("COMMAND_KEY_DAYS") or DEFAULT_COMMAND_KEY_DAYS
    try:
        days = float(raw)
    except (TypeError, ValueError):
        raise ValueError(f"TIIMI_COMMAND_KEY_DAYS must be a number of days, not {raw!r}") from None
    if not 0 < days < math.inf:
        raise ValueError("TIIMI_COMMAND_KEY_DAYS must be more than 0: a key must outlive the retries of its "
                         "request")
    return days


def database_url(url: str) -> str:
    """Normalise a database URL (PostgreSQL URLs get the green-friendly driver)."""
    return _postgres_driver(url)
