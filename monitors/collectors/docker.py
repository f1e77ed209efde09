"""Docker inputs: a container's last log lines through the Docker Engine API (``docker`` SDK).

The engine is DOCKER_HOST (or the input's ``docker_host``), else the local
socket. API version 1.41 is pinned so the client does not spend a round trip
negotiating it. The SDK asks ``/containers/{id}/json`` whether the container
has a TTY: if so the logs are raw text, if not they are the multiplexed
stream (8-byte frame headers) which the SDK strips, stdout and stderr
interleaved in order.
"""

from __future__ import annotations

import docker
import requests
from django.conf import settings
from docker.errors import APIError, DockerException, NotFound
from docker.utils import kwargs_from_env

from monitors.collectors.base import CollectionError, Collector, Section
from monitors.schemas import InputSpec

API_VERSION = "1.41"
DEFAULT_TAIL_LINES = 200


def docker_client(host: str | None = None) -> docker.DockerClient:
    """A client for ``host``, else DOCKER_HOST, else the local socket; TLS from DOCKER_TLS_VERIFY/DOCKER_CERT_PATH."""
    options = kwargs_from_env()
    options["base_url"] = host or settings.DOCKER_HOST or options.get("base_url")
    return docker.DockerClient(version=API_VERSION, timeout=settings.DOCKER_TIMEOUT_SECONDS, **options)


class DockerCollector(Collector):
    def read(self, spec: InputSpec) -> Section:
        name = spec.container or ""
        host = spec.docker_host or settings.DOCKER_HOST or "the local Docker socket"
        try:
            client = docker_client(spec.docker_host)
        except DockerException as exc:
            raise CollectionError(f"docker_host: cannot use '{host}': {exc}", permanent=True) from None
        try:
            container = client.containers.get(name)
            raw = container.logs(tail=spec.max_lines or DEFAULT_TAIL_LINES, timestamps=False, stdout=True, stderr=True)
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
        return Section(
            label=spec.label,
            text=raw.decode("utf-8", "replace").rstrip("\n"),
            meta={"container": name, "container_id": container.short_id},
        )
