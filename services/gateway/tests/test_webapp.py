"""The web app as the gateway serves it: its page, files, login settings and security headers; no broker."""
import json

import pytest
from werkzeug.routing import Map, Rule
from werkzeug.test import EnvironBuilder

from gateway.webapp import NONCE_PLACEHOLDER, Site, WebApp

PAGE = f'<!doctype html><meta property="csp-nonce" nonce="{NONCE_PLACEHOLDER}"><div id="root"></div>'


@pytest.fixture
def site(tmp_path):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(PAGE)
    (dist / "assets" / "index-abc123.js").write_text("console.log(1)")
    (dist / "favicon.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("not for the web")
    return Site(dist=dist, issuer="https://login.example.fi/realms/county")


def request(path="/", host="tiimi.example.fi"):
    return EnvironBuilder(method="GET", path=path, base_url=f"https://{host}/").get_request()


def test_the_page_gets_a_fresh_nonce_that_its_policy_allows_for_style(site):
    first, second = site.page(request()), site.page(request())
    nonce = first.get_data(as_text=True).split('nonce="')[1].split('"')[0]
    assert NONCE_PLACEHOLDER not in first.get_data(as_text=True)
    assert f"style-src 'self' 'nonce-{nonce}'" in first.headers["Content-Security-Policy"]
    assert nonce not in second.get_data(as_text=True)


def test_every_answer_carries_a_strict_policy_and_the_security_headers(site):
    answers = (site.page(request()), site.config(request()), site.file(request(), "assets/index-abc123.js"),
               site.file(request(), "nothing.js"))
    for response in answers:
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'self';" in policy and "unsafe-inline" not in policy
        assert "connect-src 'self' https://login.example.fi;" in policy
        assert "frame-ancestors 'none'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_hashed_assets_are_cached_for_a_year_and_the_page_is_revalidated(site):
    asset = site.file(request(), "assets/index-abc123.js")
    assert asset.status_code == 200 and asset.mimetype == "text/javascript"
    assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert site.page(request()).headers["Cache-Control"] == "no-cache"
    assert site.file(request(), "favicon.svg").headers["Cache-Control"] == "no-cache"


def test_an_address_of_the_app_answers_its_page_so_the_router_can_take_it(site):
    response = site.file(request("/app/clients/c-1"), "clients/c-1")
    assert response.status_code == 200 and 'id="root"' in response.get_data(as_text=True)


def test_a_missing_file_is_a_404_not_the_page(site):
    assert site.file(request(), "assets/gone-123.js").status_code == 404
    assert site.file(request(), "robots.txt").status_code == 404


@pytest.mark.parametrize("path", ["../secret.txt", "assets/../../secret.txt", "/etc/passwd",
                                  "..%2fsecret.txt"])
def test_a_path_outside_the_build_is_refused(site, path):
    response = site.file(request(), path)
    assert response.status_code == 404
    assert "not for the web" not in response.get_data(as_text=True)


def test_a_missing_build_is_a_503_page_that_says_make_web(tmp_path):
    response = Site(dist=tmp_path / "nowhere").page(request())
    assert response.status_code == 503
    assert "make web" in response.get_data(as_text=True)
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_login_settings_name_the_issuer_and_this_origins_addresses(site):
    config = json.loads(site.config(request(host="tiimi.example.fi")).get_data())
    assert config == {"issuer": "https://login.example.fi/realms/county", "client_id": "tiimi-web",
                      "scope": "openid profile tiimi", "redirect_uri": "https://tiimi.example.fi/app/callback",
                      "post_logout_redirect_uri": "https://tiimi.example.fi/"}


def test_the_login_settings_come_from_configuration_with_local_defaults(tmp_path):
    local = Site.from_config({})
    assert local.issuer == "http://127.0.0.1:8010" and local.client_id == "tiimi-web"
    assert local.dist.parts[-2:] == ("web", "dist")
    public = Site.from_config({"OIDC_ISSUER": "https://id.county.fi", "PUBLIC_URL": "https://tiimi.county.fi/",
                               "WEB_DIST": str(tmp_path)})
    config = json.loads(public.config(request(host="internal:8000")).get_data())
    assert config["redirect_uri"] == "https://tiimi.county.fi/app/callback"
    assert public.dist == tmp_path


def test_the_gateways_routes_send_the_app_its_page_config_and_files(site):
    """The routes as the gateway's HTTP server matches them: the config is not mistaken for a page."""
    from gateway.service import GatewayService

    assert issubclass(GatewayService, WebApp)
    rules = [Rule(handler.url, methods=[handler.method], endpoint=name)
             for name in dir(WebApp) for handler in getattr(getattr(WebApp, name), "nameko_entrypoints", ())]
    urls = Map(rules).bind("tiimi.example.fi")
    gateway = WebApp()
    gateway.web = site
    expected_types = {"/": "text/html", "/app/": "text/html", "/app/config.json": "application/json",
                      "/app/clients/c-1/team": "text/html", "/app/assets/index-abc123.js": "text/javascript"}
    for path, expected in expected_types.items():
        endpoint, arguments = urls.match(path)
        response = getattr(gateway, endpoint)(request(path), **arguments)
        assert (response.status_code, response.mimetype) == (200, expected), path
