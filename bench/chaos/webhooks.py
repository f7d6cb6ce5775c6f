"""A partner's webhook endpoint that writes down every POST, and can vanish for a while.

It verifies each signature (Standard Webhooks) with the secret the partner was given,
answers 204, and keeps the body, the ``webhook-id`` and whether the signature held.
``vanish()`` closes the listening socket (the sender meets a refused connection);
``come_back()`` listens again on the same port.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from standardwebhooks import Webhook


class WebhookReceiver:
    def __init__(self, port: int, record: Path, host: str = "127.0.0.1"):
        self.port = port
        self.host = host  # where it listens, and the address in its URL
        self.record = record
        self.secret: str | None = None
        self.received: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/tiimi-webhook"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("content-length", "0"))).decode()
                headers = {key.lower(): value for key, value in self.headers.items()}
                receiver.keep(body, headers)
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    def keep(self, body: str, headers: dict[str, str]) -> None:
        verified = False
        if self.secret:
            try:
                Webhook(self.secret).verify(
                    body,
                    {
                        key: headers.get(key, "")
                        for key in ("webhook-id", "webhook-timestamp", "webhook-signature")
                    },
                )
                verified = True
            except Exception:
                verified = False
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        entry = {
            "at": time.time(),
            "webhook_id": headers.get("webhook-id"),
            "verified": verified,
            "body": body,
            "payload": payload,
        }
        with self._lock:
            self.received.append(entry)
            with open(self.record, "a") as out:
                out.write(json.dumps(entry) + "\n")

    def start(self) -> None:
        self._server = ThreadingHTTPServer((self.host, self.port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def vanish(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def come_back(self) -> None:
        for _ in range(50):
            try:
                self.start()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"the webhook receiver cannot listen on {self.port} again")

    def stop(self) -> None:
        self.vanish()
