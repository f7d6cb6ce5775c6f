"""``python -m gateway.apidoc`` prints the OpenAPI document that ``/openapi.json`` serves.

It needs no broker and no running gateway: the web app's typed API client is
generated from this (``npm run generate-api`` in ``web/``).
"""
from __future__ import annotations

import json
import sys

from gateway import openapi
from gateway.service import ROUTES


def text() -> str:
    """The document as the web app keeps it (``web/openapi.json``): sorted keys, two-space indents."""
    return json.dumps(openapi.document(ROUTES), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(text())
