"""Docker inputs: a container's last log lines through the Docker Engine API (``docker`` SDK).

The engine is DOCKER_HOST (or the input's ``docker_host``), else the local
socket. API version 1.41 is pinned so the client does not spend a round trip
negotiating it. The SDK asks ``/containers/{id}/json`` whether the container
has a TTY: if so the logs are raw text, if not they are the multiplexed
stream (8-byte frame headers) which the SDK strips, stdout and stderr
interleaved in order.

Incremental reads ask for timestamps and keep the engine's time of the last
entry read as the cursor: the next read passes ``since`` (whole seconds,
rounded down: the SDK sends a float with too few digits for nanoseconds) and
drops entries at or before that time. Only the engine's clock is used, so
clock skew between this host and a remote engine cannot lose or repeat lines.
A recreated container (same name, another id) is read from its newest lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime

import docker
import requests
from django.conf import settings
from docker.errors import APIError, DockerException, NotFound
from docker.utils import kwargs_from_env

from monitors.collectors.base import CollectionError, Collector, Section
from monitors.schemas import InputSpec

API_VERSION = "1.41"
DEFAULT_TAIL_LINES = 200
# RFC 3339 with up to nanoseconds, as the engine prefixes entries with timestamps=1.
TIMESTAMP = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$")


def docker_client(host: str | None = None) -> docker.DockerClient:
    """A client for ``host``, else DOCKER_HOST, else the local socket; TLS from DOCKER_TLS_VERIFY/DOCKER_CERT_PATH."""
    options = kwargs_from_env()
    options["base_url"] = host or settings.DOCKER_HOST or options.get("base_url")
    return docker.DockerClient(version=API_VERSION, timeout=settings.DOCKER_TIMEOUT_SECONDS, **options)


@dataclass(frozen=True)
class DockerCursor:
    """Where an incremental read resumes: which container (by id) and the engine time of the last entry read."""

    container: str  # as configured
    container_id: str
    last_ns: int | None  # None: nothing read yet

    @classmethod
    def from_state(cls, state: dict | None, container: str) -> DockerCursor | None:
        if not state or state.get("kind") != "docker" or state.get("container") != container:
            return None
        try:
            last = state.get("last_ns")
            return cls(container, str(state["container_id"]), None if last is None else int(last))
        except (KeyError, TypeError, ValueError):
            return None

    def as_state(self) -> dict:
        return {"kind": "docker", **asdict(self)}


def parse_timestamp(text: str) -> int | None:
    """Nanoseconds since the epoch of an engine timestamp, or None."""
    match = TIMESTAMP.match(text)
    if not match:
        return None
    seconds, fraction, zone = match.groups()
    moment = datetime.fromisoformat(seconds + ("+00:00" if zone == "Z" else zone))
    return int(moment.timestamp()) * 10**9 + int((fraction or "").ljust(9, "0"))


def split_entries(raw: bytes) -> list[tuple[int | None, str]]:
    """(time, line) per entry of a ``timestamps=1`` log body; a line without a time shares the one before it."""
    entries: list[tuple[int | None, str]] = []
    for line in raw.decode("utf-8", "replace").split("\n"):
        line = line.removesuffix("\r")
        stamp, _, message = line.partition(" ")
        ns = parse_timestamp(stamp)
        if ns is not None:
            entries.append((ns, message))
        elif line:
            entries.append((entries[-1][0] if entries else None, line))
    return entries


class DockerCollector(Collector):
    def read(self, spec: InputSpec) -> Section:
        limit = spec.max_lines or DEFAULT_TAIL_LINES
        raw, container = self._logs(spec, lambda container: {"tail": limit, "timestamps": False})
        return Section(
            label=spec.label,
            text=raw.decode("utf-8", "replace").rstrip("\n"),
            meta={"container": spec.container, "container_id": container.short_id},
        )

    def read_new(self, spec: InputSpec, cursor: dict | None) -> Section:
        limit = spec.max_lines or DEFAULT_TAIL_LINES
        previous = DockerCursor.from_state(cursor, spec.container or "")

        def options(container) -> dict:
            resume = previous is not None and previous.container_id == container.id and previous.last_ns
            return {"tail": limit, "timestamps": True, **({"since": previous.last_ns // 10**9} if resume else {})}

        raw, container = self._logs(spec, options)
        same = previous is not None and previous.container_id == container.id
        after = previous.last_ns if same and previous.last_ns else None
        entries = split_entries(raw)
        new = [(ns, line) for ns, line in entries if after is None or ns is None or ns > after]
        notes = []
        if previous is not None and not same:
            notes.append("the container was recreated since the last run (another id); read its newest lines")
        if previous is not None and len(entries) == limit and new and len(new) == len(entries):
            notes.append(f"{limit} or more lines arrived since the last run; only the newest {limit} (max_lines) were read")
        times = [ns for ns, _ in entries if ns is not None]
        last_ns = max(times) if times else after
        return Section(
            label=spec.label,
            text="\n".join(line for _, line in new),
            notes=notes,
            cursor=DockerCursor(spec.container or "", container.id, last_ns).as_state(),
            changed=bool(new or notes),
            meta={"container": spec.container, "container_id": container.short_id, "since_ns": after},
        )

    def _logs(self, spec: InputSpec, options: Callable) -> tuple[bytes, object]:
        """The container's logs with ``options(container)``; every failure is a CollectionError naming the host."""
        name = spec.container or ""
        host = spec.docker_host or settings.DOCKER_HOST or "the local Docker socket"
        try:
            client = docker_client(spec.docker_host)
        except DockerException as exc:
            raise CollectionError(f"docker_host: cannot use '{host}': {exc}", permanent=True) from None
        try:
            container = client.containers.get(name)
            raw = container.logs(stdout=True, stderr=True, **options(container))
        except NotFound:
            raise CollectionError(f"container: no container named '{name}' on {host}", permanent=True) from None
        except requests.exceptions.Timeout:
            raise CollectionError(f"Docker at {host} did not answer within {settings.DOCKER_TIMEOUT_SECONDS:g}s") from None
        except requests.exceptions.ConnectionError:
            raise CollectionError(f"cannot connect to Docker at {host} (is the daemon running and reachable?)") from None
        except APIError as exc:
            raise CollectionError(f"Docker at {host} refused the request: {exc.explanation or exc}") from None
        except DockerException as exc:
            raise CollectionError(f"Docker error for container '{name}' at {host}: {exc}") from None
        finally:
            client.close()
        return raw, container
