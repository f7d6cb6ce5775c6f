"""The web app, served from its build (``web/dist``) on the gateway's own origin.

``/`` and every ``/app/...`` path that is not a file answer the app's page, so
the browser's router can take any address; files under ``/app/assets/`` carry
a content hash in their names and are cached for a year. ``/app/config.json``
tells the app where to log in. Every answer carries a strict
Content-Security-Policy: nothing but this origin and the OpenID provider, no
inline script, and style only with the nonce minted for each page (the
component library's styled-components adds its rules at run time).

| setting            | default                          |
|--------------------|----------------------------------|
| TIIMI_OIDC_ISSUER  | http://127.0.0.1:8010            |
| TIIMI_OIDC_CLIENT  | tiimi-web                        |
| TIIMI_WEB_DIST     | web/dist in the repository       |
| TIIMI_PUBLIC_URL   | the origin the request came to   |
"""
from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from nameko.extensions import DependencyProvider
from nameko.web.handlers import http
from werkzeug.security import safe_join
from werkzeug.wrappers import Request, Response

DEFAULT_ISSUER = "http://127.0.0.1:8010"
DEFAULT_CLIENT_ID = "tiimi-web"
SCOPE = "openid profile tiimi"
# The placeholder Vite writes where a page's nonce goes (``html.cspNonce`` in web/vite.config.ts).
NONCE_PLACEHOLDER = "__TIIMI_CSP_NONCE__"
ASSETS = "assets/"
YEAR = 365 * 24 * 3600
NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tiimi: the web app is not built</title></head>
<body><h1>The web app is not built</h1>
<p>Run <code>make web</code> in the repository, then reload this page.</p></body></html>
"""


def _repository_dist() -> Path:
    return Path(__file__).resolve().parents[3] / "web" / "dist"


@dataclass(frozen=True)
class Site:
    """The built app in ``dist`` and what it needs to know to log in."""

    dist: Path
    issuer: str = DEFAULT_ISSUER
    client_id: str = DEFAULT_CLIENT_ID
    public_url: str | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Site:
        return cls(dist=Path(config.get("WEB_DIST") or _repository_dist()),
                   issuer=config.get("OIDC_ISSUER") or DEFAULT_ISSUER,
                   client_id=config.get("OIDC_CLIENT") or DEFAULT_CLIENT_ID,
                   public_url=config.get("PUBLIC_URL") or None)

    def page(self, request: Request) -> Response:
        """The app's one page, with a fresh nonce for the style its components add."""
        try:
            html = (self.dist / "index.html").read_text(encoding="utf-8")
        except OSError:
            return self._secured(Response(NOT_BUILT, status=503, mimetype="text/html",
                                          headers={"Retry-After": "60"}), nonce=None, cache="no-store")
        nonce = secrets.token_urlsafe(18)
        return self._secured(Response(html.replace(NONCE_PLACEHOLDER, nonce), mimetype="text/html"),
                             nonce=nonce, cache="no-cache")

    def config(self, request: Request) -> Response:
        """Where and how the app logs in: OpenID Connect code flow with PKCE against the issuer."""
        origin = (self.public_url or request.host_url).rstrip("/")
        body = {"issuer": self.issuer, "client_id": self.client_id, "scope": SCOPE,
                "redirect_uri": f"{origin}/app/callback", "post_logout_redirect_uri": f"{origin}/"}
        return self._secured(Response(json.dumps(body), mimetype="application/json"), nonce=None,
                             cache="no-cache")

    def file(self, request: Request, path: str) -> Response:
        """A file of the build, or the page for an address the app's router knows."""
        found = safe_join(str(self.dist), path)
        if found is None:
            return self._secured(Response("Not found", status=404, mimetype="text/plain"), nonce=None,
                                 cache="no-store")
        target = Path(found)
        if target.is_file() and target.name != "index.html":
            response = Response(target.read_bytes(), mimetype=_mimetype(target))
            immutable = path.startswith(ASSETS)
            return self._secured(response, nonce=None,
                                 cache=f"public, max-age={YEAR}, immutable" if immutable else "no-cache")
        if path.startswith(ASSETS) or "." in path.rsplit("/", 1)[-1]:
            return self._secured(Response("Not found", status=404, mimetype="text/plain"), nonce=None,
                                 cache="no-store")
        return self.page(request)

    def content_security_policy(self, nonce: str | None) -> str:
        issuer = _origin(self.issuer)
        style = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
        return "; ".join([
            "default-src 'self'", "script-src 'self'", f"style-src {style}", "img-src 'self'",
            "font-src 'self'", f"connect-src 'self' {issuer}", f"form-action 'self' {issuer}",
            "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'",
        ])

    def _secured(self, response: Response, *, nonce: str | None, cache: str) -> Response:
        response.headers["Content-Security-Policy"] = self.content_security_policy(nonce)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        response.headers["Cache-Control"] = cache
        return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


MIMETYPES = {".js": "text/javascript", ".css": "text/css", ".woff2": "font/woff2", ".woff": "font/woff",
             ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon",
             ".json": "application/json", ".map": "application/json", ".txt": "text/plain",
             ".html": "text/html"}


def _mimetype(path: Path) -> str:
    return MIMETYPES.get(path.suffix, "application/octet-stream")


class WebSite(DependencyProvider):
    def setup(self) -> None:
        self.site = Site.from_config(self.container.config)

    def get_dependency(self, worker_ctx: object) -> Site:
        return self.site


class WebApp:
    """The gateway's routes for the web app, mixed into its service class."""

    web: Site = WebSite()  # the dependency is the Site itself

    @http("GET", "/")
    def web_root(self, request: Request) -> Response:
        return self.web.page(request)

    @http("GET", "/app/")
    def web_app(self, request: Request) -> Response:
        return self.web.page(request)

    @http("GET", "/app/config.json")
    def web_config(self, request: Request) -> Response:
        return self.web.config(request)

    @http("GET", "/app/<path:path>")
    def web_file(self, request: Request, path: str) -> Response:
        return self.web.file(request, path)
