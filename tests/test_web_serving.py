"""The web app from the running gateway's own HTTP server, beside its API, on a real broker."""
import http.client

import pytest
import requests

from tiimi_shared.testing.servers import free_port

pytestmark = pytest.mark.integration

SECRET = "a-local-secret-of-at-least-32-characters"
PAGE = '<!doctype html><meta property="csp-nonce" nonce="__TIIMI_CSP_NONCE__"><div id="root"></div>'


@pytest.fixture
def served(system, tmp_path):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(PAGE)
    (dist / "assets" / "index-abc123.js").write_text("export {}")
    (tmp_path / "secret.txt").write_text("not for the web")
    port = free_port()
    system(gateway={"WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "JWT_SECRET": SECRET, "WEB_DIST": str(dist),
                    "OIDC_ISSUER": "http://127.0.0.1:8010"})
    return f"http://127.0.0.1:{port}"


def test_the_gateway_serves_the_app_its_files_and_login_settings_beside_the_api(served):
    for path in ("/", "/app/", "/app/clients/3f2c/team"):
        page = requests.get(served + path, timeout=10)
        assert page.status_code == 200 and 'id="root"' in page.text, path
        assert "connect-src 'self' http://127.0.0.1:8010" in page.headers["Content-Security-Policy"]
        assert page.headers["X-Content-Type-Options"] == "nosniff"
    asset = requests.get(served + "/app/assets/index-abc123.js", timeout=10)
    assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    config = requests.get(served + "/app/config.json", timeout=10).json()
    assert config["redirect_uri"] == served + "/app/callback" and config["client_id"] == "tiimi-web"
    assert requests.get(served + "/app", timeout=10).url == served + "/app/"
    assert requests.get(served + "/health/live", timeout=10).json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/app/../secret.txt", "/app/..%2f..%2fsecret.txt",
                                  "/app/assets/../../secret.txt"])
def test_a_path_out_of_the_build_gets_nothing_from_outside_it(served, path):
    connection = http.client.HTTPConnection(served.removeprefix("http://"), timeout=10)
    connection.request("GET", path)  # as written: no client-side normalising of the dots
    response = connection.getresponse()
    assert b"not for the web" not in response.read()
