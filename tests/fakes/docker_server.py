"""A Docker Engine API peer on loopback: just enough for ``containers.get(...).logs(...)``.

Answers ``GET /v{version}/containers/{id}/json`` and ``/containers/{id}/logs``:
raw text for a container with a TTY, the multiplexed stream (an 8-byte
header per frame: stream id, 3 zero bytes, big-endian length) without one,
and the engine's 404 body for an unknown container. Records every request.

Each frame is one log entry with a time (nanoseconds since the epoch; by
default 1 ms after the previous one, from a fixed start), so ``since``
(seconds, fractions allowed; entries at or after it, like the engine) and
``timestamps=1`` (an RFC 3339 time with trailing zeros trimmed, like Go's
RFC3339Nano, then a space, before each entry) behave as on a real engine.

    with DockerServer() as server:
        web = server.add("web", tty=False, frames=[(1, b"GET / 200\\n"), (2, b"oops\\n")])
        web.log(STDOUT, b"later\\n")
        docker.DockerClient(base_url=server.url, version="1.41", timeout=5)
"""

from __future__ import annotations

import json
import struct
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

STDOUT, STDERR = 1, 2
START_NS = 1_700_000_000 * 10**9
TICK_NS = 1_000_000


def rfc3339_nano(ns: int) -> str:
    """Go's RFC3339Nano in UTC: fractional seconds with trailing zeros trimmed."""
    seconds, fraction = divmod(ns, 10**9)
    text = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    digits = f"{fraction:09d}".rstrip("0")
    return f"{text}.{digits}Z" if digits else f"{text}Z"


@dataclass
class FakeContainer:
    name: str
    tty: bool
    frames: list[tuple[int, bytes]] = field(default_factory=list)
    times: list[int] = field(default_factory=list)
    generation: int = 0  # bump to "recreate" the container: a new id, same name

    def __post_init__(self):
        self.times = [START_NS + i * TICK_NS for i in range(len(self.frames))]

    @property
    def id(self) -> str:
        return (f"{self.name}#{self.generation}".encode().hex() * 64)[:64]

    def log(self, stream: int, data: bytes, *, at_ns: int | None = None) -> None:
        """Append one entry, by default 1 ms after the last one."""
        self.times.append(at_ns if at_ns is not None else (self.times[-1] + TICK_NS if self.times else START_NS))
        self.frames.append((stream, data))

    def body(self, tail: str | None, since: str | None = None, timestamps: bool = False) -> bytes:
        entries = list(zip(self.times, self.frames))
        if since not in (None, "", "0"):
            since_ns = int(Decimal(since) * 10**9)
            entries = [(ns, frame) for ns, frame in entries if ns >= since_ns]
        if tail not in (None, "all"):
            entries = entries[-int(tail) :] if int(tail) else []
        frames = [(stream, (rfc3339_nano(ns).encode() + b" " if timestamps else b"") + data) for ns, (stream, data) in entries]
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
                    timestamps = query.get("timestamps") in ("1", "true")
                    body = container.body(query.get("tail"), query.get("since"), timestamps)
                    return self._send(200, body, f"application/vnd.docker.{kind}")
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
