"""Fixtures for the collectors' tests: a log root on disk and a Docker Engine peer on loopback."""

import pytest

from tests.fakes.docker_server import DockerServer


@pytest.fixture
def root(tmp_path, settings):
    """A folder under LOG_FILE_ROOTS (the only place file inputs may read)."""
    logs = tmp_path / "logs"
    logs.mkdir()
    settings.LOG_FILE_ROOTS = [str(logs)]
    return logs


@pytest.fixture
def engine(settings):
    """A fake Docker Engine API; DOCKER_HOST points at it."""
    with DockerServer() as server:
        settings.DOCKER_HOST = server.url
        settings.DOCKER_TIMEOUT_SECONDS = 5
        yield server
