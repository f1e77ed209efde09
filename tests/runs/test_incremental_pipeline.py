"""Runs read only what is new since the last answered run; cursors move only after a verdict is stored."""

import json

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from monitors.selectors import input_cursors, monitor_collect
from monitors.services import log_source_sample
from runs.pipeline import run_monitor
from tests.factories import LogSourceFactory, MonitorFactory
from tests.fakes.docker_server import STDOUT, DockerServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(tmp_path, settings):
    """A log file under LOG_FILE_ROOTS, starting with two lines."""
    settings.LOG_FILE_ROOTS = [str(tmp_path)]
    path = tmp_path / "app.log"
    path.write_text("boot 1\nboot 2\n")
    return path


def append(path, *lines: str) -> None:
    with open(path, "a") as out:
        out.write("".join(f"{line}\n" for line in lines))


def file_monitor(path, **fields):
    return MonitorFactory(inputs=[{"label": "app", "mode": "file", "path": str(path)}], **fields)


def sent_to_llm(server) -> list[str]:
    """The user message of every chat completion the fake OpenAI server received."""
    return [json.dumps(request.json["messages"]) for request in server.requests]


def test_each_run_sends_only_the_lines_added_since_the_last_answered_run(log):
    monitor = file_monitor(log)

    first = run_monitor(monitor)
    append(log, "GET /a 200", "GET /b 500")
    second = run_monitor(monitor)

    assert first.logs_text == "[app]\nboot 1\nboot 2"
    assert second.logs_text == "[app]\nGET /a 200\nGET /b 500"
    assert input_cursors(monitor)["app"]["offset"] == log.stat().st_size


def test_an_llm_outage_does_not_move_the_cursor_so_the_next_run_resends_the_same_lines(log, openai_server):
    monitor = file_monitor(log, llm_provider="openai")
    run_monitor(monitor)
    cursor_before = input_cursors(monitor)
    append(log, "OOM killer: killed process 4242 (java)")

    openai_server.fail(503, "overloaded")
    failed = run_monitor(monitor)
    cursor_during_outage = input_cursors(monitor)
    openai_server.error = None
    append(log, "java restarted")
    recovered = run_monitor(monitor)

    assert (failed.status, recovered.status) == ("error", "ok")
    assert cursor_during_outage == cursor_before
    sent = sent_to_llm(openai_server)
    assert "OOM killer" in sent[1]  # the failed call
    assert "OOM killer" in sent[-1] and "java restarted" in sent[-1]  # sent again once the LLM answers
    assert "boot 1" not in sent[-1]
    assert input_cursors(monitor)["app"]["offset"] == log.stat().st_size


def test_a_rotation_between_runs_loses_and_repeats_nothing_and_tells_the_llm(log):
    monitor = file_monitor(log)
    run_monitor(monitor)
    append(log, "last words of the old file")
    log.rename(log.with_name("app.log.1"))
    log.write_text("first words of the new file\n")

    run = run_monitor(monitor)

    assert run.logs_text == (
        "[app]\n[note: the file was rotated since the last run; read the rest of the old file (app.log.1), then the new file from its start]\n"
        "last words of the old file\nfirst words of the new file"
    )
    assert run.sections[0]["notes"][0].startswith("the file was rotated")


def test_a_truncation_between_runs_is_read_from_the_start(log):
    monitor = file_monitor(log)
    run_monitor(monitor)
    log.write_text("restart\n")  # same inode, emptied, then less than before

    run = run_monitor(monitor)

    assert run.logs_text.endswith("]\nrestart")
    assert "[note: the file was truncated since the last run" in run.logs_text


def test_with_skip_when_unchanged_a_quiet_interval_keeps_the_verdict_without_calling_the_llm(log, openai_server):
    monitor = file_monitor(log, llm_provider="openai", window_config={"skip_when_unchanged": True})
    openai_server.answer_verdict(status="CRITICAL", summary="Payments are failing.")
    judged = run_monitor(monitor)

    skipped = run_monitor(monitor)
    append(log, "payments recovered")
    openai_server.answer_verdict(status="HEALTHY", summary="Recovered.")
    judged_again = run_monitor(monitor)

    assert len(openai_server.requests) == 2
    assert (skipped.status, skipped.llm_status, skipped.llm_skipped) == ("alert", "", True)
    assert skipped.summary == "No new log lines since the last run; LLM not called."
    assert f"kept from run #{judged.pk}" in skipped.report and "Payments are failing." in skipped.report
    assert skipped.logs_text == "[app]\n(no new lines since the last run)"
    assert (skipped.prompt_tokens, skipped.llm_provider) == (None, "")
    assert (judged_again.status, judged_again.llm_skipped) == ("ok", False)
    assert "payments recovered" in sent_to_llm(openai_server)[-1]


def test_without_skip_when_unchanged_the_llm_is_told_nothing_new_arrived(log):
    monitor = file_monitor(log)
    run_monitor(monitor)

    quiet = run_monitor(monitor)

    assert quiet.llm_skipped is False
    assert quiet.llm_status != ""
    assert quiet.logs_text == "[app]\n(no new lines since the last run)"


def test_a_changed_command_output_is_not_skipped(log, tmp_path):
    disk = tmp_path / "disk.txt"
    disk.write_text("disk 50%\n")
    inputs = [{"label": "app", "mode": "file", "path": str(log)}, {"label": "disk", "mode": "command", "command": f"cat {disk}"}]
    monitor = MonitorFactory(inputs=inputs, window_config={"skip_when_unchanged": True})
    run_monitor(monitor)

    same = run_monitor(monitor)
    disk.write_text("disk 99%\n")
    changed = run_monitor(monitor)

    assert (same.llm_skipped, changed.llm_skipped) == (True, False)
    assert "disk 99%" in changed.logs_text


def test_nothing_is_skipped_before_a_first_verdict(log, openai_server):
    monitor = file_monitor(log, llm_provider="openai", window_config={"skip_when_unchanged": True})
    openai_server.fail(503, "down")
    run_monitor(monitor)  # error: no cursor is stored
    openai_server.error = None

    run = run_monitor(monitor)

    assert (run.llm_skipped, run.status) == (False, "ok")
    assert "boot 1" in sent_to_llm(openai_server)[-1]


def test_previews_move_no_cursor_and_show_what_the_next_run_sends(log, settings):
    settings.API_TOKEN = "token-for-incremental-tests"
    cache.clear()  # a fresh throttle budget
    monitor = file_monitor(log)
    run_monitor(monitor)
    append(log, "new line")
    cursors = input_cursors(monitor)

    api = APIClient(HTTP_X_API_KEY=settings.API_TOKEN).post(f"/monitors/{monitor.pk}/collect").json()
    preview = monitor_collect(monitor)
    run = run_monitor(monitor)

    assert input_cursors(monitor) != cursors  # the run moved them...
    assert api["logs_text"] == preview.logs_text == run.logs_text == "[app]\nnew line"  # ...the previews did not


def test_the_log_source_test_button_reads_the_tail_whatever_the_cursors(log):
    source = LogSourceFactory(config={"path": str(log)})
    monitor = MonitorFactory(log_source=source, inputs=[])
    run_monitor(monitor)
    run_monitor(monitor)

    sample = log_source_sample(source)

    assert sample.text == "boot 1\nboot 2"
    assert sample.cursor is None


def test_with_incremental_off_every_run_reads_the_whole_tail(log):
    monitor = file_monitor(log, window_config={"incremental": False})
    run_monitor(monitor)
    append(log, "more")

    run = run_monitor(monitor)

    assert run.logs_text == "[app]\nboot 1\nboot 2\nmore"
    assert input_cursors(monitor) == {}


def test_a_docker_input_resumes_with_since_across_runs(settings):
    with DockerServer() as engine:
        settings.DOCKER_HOST = engine.url
        settings.DOCKER_TIMEOUT_SECONDS = 5
        web = engine.add("web", tty=False, frames=[(STDOUT, b"started\n")])
        monitor = MonitorFactory(inputs=[{"label": "web", "mode": "docker", "container": "web"}])
        first = run_monitor(monitor)
        web.log(STDOUT, b"GET /health 200\n")

        second = run_monitor(monitor)

    assert (first.logs_text, second.logs_text) == ("[web]\nstarted", "[web]\nGET /health 200")
    since = [query.get("since") for path, query in engine.requests if path.endswith("/logs")]
    assert since[0] is None and since[1] is not None
