"""A Docker Engine API peer on loopback: just enough for ``containers.get(...).logs(...)``.

Answers ``GET /v{version}/containers/{id}/json`` and ``/containers/{id}/logs``:
raw text for a container with a TTY, the multiplexed stream (an 8-byte
header per frame: stream id, 3 zero bytes, big-endian length) without one,
and the engine's 404 body for an unknown container. Records every request.

    with DockerServer() as server:
        server.add("web", tty=False, frames=[(1, b"GET / 200\\n"), (2, b"oops\\n")])
        docker.DockerClient(base_url=server.url, version="1.41", timeout=5)
"""

from __future__ import annotations

import json
import struct
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

STDOUT, STDERR = 1, 2


@dataclass
class FakeContainer:
    name: str
    tty: bool
    frames: list[tuple[int, bytes]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return (self.name.encode().hex() * 64)[:64]

    def body(self, tail: str | None) -> bytes:
        frames = self.frames
        if tail not in (None, "all"):
            frames = frames[-int(tail) :] if int(tail) else []
        if self.tty:
            return b"".join(data for _, data in frames)
        return b"".join(struct.pack(">BxxxL", stream, len(data)) + data for stream, data in frames)


class DockerServer:
    def __init__(self):
        self.containers: dict[str, FakeContainer] = {}
        self.requests: list[tuple[str, dict]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                server.requests.append((parts.path, query))
                segments = parts.path.strip("/").split("/")  # v1.41 containers ID json|logs
                if len(segments) != 4 or segments[1] != "containers":
                    return self._json(404, {"message": f"page not found: {parts.path}"})
                container = server.find(segments[2])
                if container is None:
                    return self._json(404, {"message": f"No such container: {segments[2]}"})
                if segments[3] == "json":
                    return self._json(200, {"Id": container.id, "Name": f"/{container.name}", "Config": {"Tty": container.tty}})
                if segments[3] == "logs":
                    kind = "raw-stream" if container.tty else "multiplexed-stream"
                    return self._send(200, container.body(query.get("tail")), f"application/vnd.docker.{kind}")
                return self._json(404, {"message": "not implemented in the fake"})

            def _json(self, status, payload):
                self._send(status, json.dumps(payload).encode(), "application/json")

            def _send(self, status, body, content_type):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"tcp://127.0.0.1:{self.httpd.server_port}"

    def add(self, name: str, *, tty: bool, frames: list[tuple[int, bytes]]) -> FakeContainer:
        self.containers[name] = FakeContainer(name, tty, frames)
        return self.containers[name]

    def find(self, name_or_id: str) -> FakeContainer | None:
        for container in self.containers.values():
            if name_or_id in (container.name, container.id):
                return container
        return None

    def __enter__(self) -> DockerServer:
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
