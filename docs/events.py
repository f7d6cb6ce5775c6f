"""Write docs/events.md from the code: every event, its publisher, payload and consumers.

    .venv/bin/python docs/events.py
"""
from __future__ import annotations

import sys
from pathlib import Path

import tiimi_shared.green  # noqa: F401  (the services import eventlet-patched modules)

# isort: split
from consent.service import ConsentService
from gateway.service import GatewayService
from notify.service import NotifyService
from referral import partner
from referral.service import ReferralService
from team.service import TeamService
from tiimi_shared import contracts
from tiimi_shared.catalogue import render_markdown

SERVICES = (ConsentService, TeamService, ReferralService, NotifyService, GatewayService)


def render() -> str:
    return render_markdown(contracts.registry, partner.registry, SERVICES, contracts.FOR_OUTSIDE)


if __name__ == "__main__":
    target = Path(__file__).with_name("events.md")
    target.write_text(render())
    print(f"wrote {target}", file=sys.stderr)
