"""Real notification receivers on 127.0.0.1: an HTTP server for apprise ``json://`` posts and an
aiosmtpd SMTP server for ``mailto://``. Both keep what they received; the HTTP one can be stopped and
started again on the same port (an endpoint that goes down and comes back) or answer 500."""

from __future__ import annotations

import email
import email.policy
import http.server
import json
import socket
import threading
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def closed_port() -> int:
    """A port nobody listens on: a connection is refused at once."""
    return free_port()


class HttpReceiver:
    """``json://127.0.0.1:PORT/`` endpoint; ``posts`` holds every payload, ``status`` what it answers."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.posts: list[dict[str, Any]] = []
        self.raw: list[bytes] = []
        self.status = 200
        self._server: http.server.ThreadingHTTPServer | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.port}/"

    def start(self) -> None:
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if receiver.status == 200:
                    receiver.raw.append(body)
                    receiver.posts.append(json.loads(body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def payload_text(self) -> str:
        """Everything received, as the raw bytes decoded (to search for forbidden strings)."""
        return "\n".join(b.decode("utf-8") for b in self.raw) + "\n" + json.dumps(self.posts, ensure_ascii=False)


class _Collect:
    def __init__(self, sink: list[tuple[str, list[str], bytes]]) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.sink.append((envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 OK"


class SmtpReceiver:
    """An aiosmtpd server on 127.0.0.1; ``messages`` are the parsed mails it accepted."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[tuple[str, list[str], bytes]] = []
        self._controller = Controller(_Collect(self.received), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def url(self, to: str = "me@example.test") -> str:
        return (f"mailto://127.0.0.1:{self.port}?from=lockwatch@example.test&to={to}&mode=insecure"
                "&cto=2&rto=2")

    @property
    def messages(self) -> list[EmailMessage]:
        return [email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[misc]
                for _, _, raw in self.received]

    def stop(self) -> None:
        self._controller.stop()
