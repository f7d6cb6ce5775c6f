"""Real servers for tests of what leaves tiimi: an SMTP server and an HTTP receiver.

The SMTP server is aiosmtpd in its own process, writing each message to a
Maildir. The HTTP receiver is an eventlet WSGI server in the test's process
that records each request and answers with the statuses it is told to.
"""
from __future__ import annotations

import mailbox
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from wsgiref.types import StartResponse, WSGIEnvironment

import eventlet
import eventlet.wsgi


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class SmtpServer:
    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> SmtpServer:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}",
             "-c", "aiosmtpd.handlers.Mailbox", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the test SMTP server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)

    def messages(self) -> list[EmailMessage]:
        if not self.directory.exists():
            return []
        box = mailbox.Maildir(self.directory, factory=None, create=False)
        return [_parse(box.get_bytes(key)) for key in box.keys()]


def _parse(raw: bytes) -> EmailMessage:
    from email import message_from_bytes

    return message_from_bytes(raw, policy=policy.default)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class HttpReceiver:
    """Answers each request with the next status in ``statuses`` (then 200), recording it."""

    statuses: list[int] = field(default_factory=list)
    always: int | None = None
    received: list[Received] = field(default_factory=list)
    port: int = 0

    def start(self) -> HttpReceiver:
        listener = eventlet.listen(("127.0.0.1", 0))
        self.port = listener.getsockname()[1]
        self._thread = eventlet.spawn(eventlet.wsgi.server, listener, self._app, log_output=False)
        return self

    def stop(self) -> None:
        self._thread.kill()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _app(self, environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items()
                   if key.startswith("HTTP_")}
        headers["content-type"] = environ.get("CONTENT_TYPE", "")
        self.received.append(Received(environ["PATH_INFO"], headers, body))
        status = self.always or (self.statuses.pop(0) if self.statuses else 200)
        start_response(f"{status} X", [("content-type", "text/plain")])
        return [b"ok"]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            eventlet.sleep(0.05)
        return self.received
