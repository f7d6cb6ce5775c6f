"""Mint a local token for trying the system.

    .venv/bin/python -m gateway.mint --professional sw-1001 --organisation 1234567-8
    .venv/bin/python -m gateway.mint --partner desk-1 --organisation 0123456-7

It signs with TIIMI_JWT_SECRET, or under ``make run`` the local secret in
var/local-keys.json, with the issuer and audience the gateway checks.
Production tokens come from an identity provider, never from here.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from gateway.auth import DEFAULT_AUDIENCE, DEFAULT_ISSUER, Kind, mint
from tiimi_shared.config import var_dir


def secret() -> str | None:
    if os.environ.get("TIIMI_JWT_SECRET"):
        return os.environ["TIIMI_JWT_SECRET"]
    path = var_dir() / "local-keys.json"
    if path.exists():
        local: str | None = json.loads(path.read_text()).get("TIIMI_JWT_SECRET")
        return local
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.mint", description="a local bearer token")
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--professional", metavar="ID", help="a professional's identifier")
    who.add_argument("--partner", metavar="ID", help="a partner organisation's desk or user identifier")
    parser.add_argument("--organisation", required=True, help="their organisation's identifier")
    parser.add_argument("--hours", type=float, default=8.0)
    args = parser.parse_args(argv)
    key = secret()
    if not key:
        print("no token secret: set TIIMI_JWT_SECRET, or start `make run` once (it keeps a local one in "
              "var/local-keys.json)",
              file=sys.stderr)
        return 2
    print(mint(key, subject=args.professional or args.partner, organisation=args.organisation,
               kind=Kind.PROFESSIONAL if args.professional else Kind.PARTNER, hours=args.hours,
               issuer=os.environ.get("TIIMI_JWT_ISSUER", DEFAULT_ISSUER),
               audience=os.environ.get("TIIMI_JWT_AUDIENCE", DEFAULT_AUDIENCE)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
