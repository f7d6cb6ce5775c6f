"""The web app's copy of the OpenAPI document is the gateway's current one, so its typed client is too."""
from pathlib import Path

from gateway import apidoc

WEB = Path(__file__).resolve().parents[3] / "web"


def test_the_web_apps_api_document_is_the_gateways_current_one():
    kept = (WEB / "openapi.json").read_text(encoding="utf-8")
    assert kept == apidoc.text(), (
        "web/openapi.json is stale against the gateway's routes and schemas: "
        "run `make web-api` (npm run generate-api in web/) and commit web/openapi.json and "
        "web/src/api/schema.d.ts")
