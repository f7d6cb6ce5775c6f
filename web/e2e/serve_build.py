"""The web app's build, served by the gateway's own web-app routes but without a broker.

For the browser tests that need only the app and its page's headers (the
login page, the policy): ``python e2e/serve_build.py <port>``. The stories
that log in run against the whole system instead.
"""
import logging
import os
import sys
from pathlib import Path

from werkzeug.routing import Map, Rule
from werkzeug.serving import run_simple
from werkzeug.wrappers import Request, Response

from gateway.webapp import Site, WebApp

routes = WebApp()
# TIIMI_WEB_DIST: another build than web/dist, so two builds and their tests can run side by side.
DIST = os.environ.get("TIIMI_WEB_DIST") or str(Path(__file__).resolve().parents[1] / "dist")
routes.web = Site.from_config({"WEB_DIST": DIST,
                               "OIDC_ISSUER": os.environ.get("TIIMI_OIDC_ISSUER")})
urls = Map([Rule(handler.url, methods=[handler.method], endpoint=name)
            for name in dir(WebApp) for handler in getattr(getattr(WebApp, name), "nameko_entrypoints", ())]
           + [Rule("/health/live", endpoint="live")])


@Request.application
def application(request: Request) -> Response:
    endpoint, arguments = urls.bind_to_environ(request.environ).match()
    if endpoint == "live":
        return Response('{"status": "ok"}', mimetype="application/json")
    response: Response = getattr(routes, endpoint)(request, **arguments)
    return response


if __name__ == "__main__":
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request is noise in a test run
    run_simple("127.0.0.1", int(sys.argv[1]), application)
