"""An HTTP receiver on loopback for webhooks and the remediation agent: records raw bodies and headers.

``statuses`` scripts the answers in order (then ``default_status``), e.g.
``[500, 500]`` fails twice then succeeds; ``extra_headers`` adds headers to
answers (``Retry-After``, ``Location``).

    with WebhookServer() as hook:
        hook.url("/incidents")  ->  "http://127.0.0.1:PORT/incidents"
        hook.received[0].json, hook.received[0].headers["webhook-id"], hook.received[0].raw
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict
    raw: bytes

    @property
    def json(self):
        return json.loads(self.raw)


class WebhookServer:
    def __init__(self, *, statuses: list[int] | None = None, default_status: int = 200, extra_headers: dict | None = None):
        self.received: list[Received] = []
        self.statuses = list(statuses or [])
        self.default_status = default_status
        self.extra_headers = extra_headers or {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, raw))
                status = receiver.statuses.pop(0) if receiver.statuses else receiver.default_status
                answer = b'{"ok": true}' if status < 300 else b'{"error": "receiver says no"}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                for name, value in receiver.extra_headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(answer)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_port

    def url(self, path: str = "/hook", *, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def __enter__(self):
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
