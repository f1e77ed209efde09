"""Docker inputs through the real docker SDK against an Engine API peer on loopback."""

import socket

import pytest

from monitors.collectors import collect_one
from monitors.schemas import InputSpec
from monitors.services import log_source_sample
from tests.factories import LogSourceFactory
from tests.fakes.docker_server import STDERR, STDOUT


def docker_input(container, **options) -> InputSpec:
    return InputSpec(label="web", mode="docker", container=container, **options)


def test_it_reads_a_tty_containers_raw_logs(engine):
    engine.add("web", tty=True, frames=[(STDOUT, b"booting\n"), (STDOUT, b"ready on :8080\n")])

    section = collect_one(docker_input("web"))

    assert section.error == ""
    assert section.text == "booting\nready on :8080"
    assert section.meta["container"] == "web"


def test_it_demultiplexes_stdout_and_stderr_of_a_non_tty_container(engine):
    engine.add("api", tty=False, frames=[(STDOUT, b"GET / 200\n"), (STDERR, b"Traceback: boom\n"), (STDOUT, b"GET /x 500\n")])

    section = collect_one(docker_input("api"))

    assert section.text == "GET / 200\nTraceback: boom\nGET /x 500"
    assert "\x00" not in section.text  # no frame headers leak into the text


def test_it_asks_the_engine_for_max_lines_without_timestamps(engine):
    engine.add("api", tty=False, frames=[(STDOUT, b"line %d\n" % i) for i in range(50)])

    section = collect_one(docker_input("api", max_lines=7))

    assert section.text.splitlines() == [f"line {i}" for i in range(43, 50)]
    logs_query = next(query for path, query in engine.requests if path.endswith("/logs"))
    assert logs_query["tail"] == "7"
    assert logs_query["timestamps"] in ("0", "false")
    assert all(path.startswith("/v1.41/") for path, _ in engine.requests)


def test_an_unknown_container_is_a_clear_error(engine):
    section = collect_one(docker_input("ghost"))

    assert section.error == f"container: no container named 'ghost' on {engine.url}"


def test_an_unreachable_engine_is_a_clear_error(settings):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.DOCKER_HOST = f"tcp://127.0.0.1:{port}"

    section = collect_one(docker_input("web"))

    assert section.error == f"cannot connect to Docker at tcp://127.0.0.1:{port} (is the daemon running and reachable?)"


def test_an_inputs_docker_host_overrides_the_setting(engine, settings):
    engine.add("web", tty=True, frames=[(STDOUT, b"from the override\n")])
    settings.DOCKER_HOST = "tcp://127.0.0.1:9"  # discard port: would fail

    section = collect_one(docker_input("web", docker_host=engine.url))

    assert section.text == "from the override"


@pytest.mark.django_db
def test_a_docker_log_source_sample_reads_through_the_driver(engine):
    engine.add("db", tty=False, frames=[(STDOUT, b"checkpoint %d\n" % i) for i in range(100)])
    source = LogSourceFactory(name="db logs", driver="docker", config={"container": "db", "docker_host": engine.url})

    section = log_source_sample(source, lines=5)

    assert section.label == "db_logs"
    assert section.text.splitlines() == [f"checkpoint {i}" for i in range(95, 100)]


@pytest.mark.django_db
def test_a_file_log_source_sample_reports_errors_in_the_section(settings, tmp_path):
    settings.LOG_FILE_ROOTS = [str(tmp_path)]
    source = LogSourceFactory(name="gone", driver="file", config={"path": str(tmp_path / "missing.log")})

    section = log_source_sample(source)

    assert section.text == ""
    assert section.error == f"path: '{tmp_path}/missing.log' does not exist"
