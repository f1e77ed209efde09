"""A base for JSON-over-HTTP peers on loopback: a threaded server, request log, and a hang switch.

Subclasses implement ``handle(method, path, query, body, headers) -> (status, payload, headers)``.
``hang_seconds`` makes the next answers wait (to test client timeouts); the
wait ends early when the server stops, so a test never waits on a hung thread.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict
    headers: dict
    body: object

    @property
    def json(self) -> dict:
        return self.body if isinstance(self.body, dict) else {}


class JsonServer:
    def __init__(self):
        self.requests: list[Request] = []
        self.hang_seconds = 0.0
        self._stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output clean
                pass

            def do_POST(self):
                self._serve("POST")

            def do_GET(self):
                self._serve("GET")

            def _serve(self, method):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                request = Request(method, parts.path, query, {k.lower(): v for k, v in self.headers.items()}, body)
                server.requests.append(request)
                if server.hang_seconds and server._stopping.wait(server.hang_seconds):
                    return
                status, payload, headers = server.handle(request)
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_port}"

    def handle(self, request: Request) -> tuple[int, object, dict | None]:
        raise NotImplementedError

    def __enter__(self):
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
