"""Command inputs run for real: concurrency, timeouts, caps, environment, shell."""

import os
import sys
import time
from pathlib import Path

import pytest

from monitors.collectors import collect, collect_one
from monitors.collectors.command import TailBuffer
from monitors.schemas import ConfigError, InputSpec, WindowConfig, parse


def command(cmd: str, **options) -> InputSpec:
    return InputSpec(label=options.pop("label", "cmd"), mode="command", command=cmd, **options)


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting to be reaped counts as dead)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def gone(pid: int) -> bool:
    """Wait briefly for a killed ``pid`` to die (SIGKILL is delivered asynchronously)."""
    deadline = time.monotonic() + 0.5
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    return not alive(pid)


def test_two_one_second_commands_take_about_one_second_together():
    started = time.monotonic()

    collection = collect([command("sleep 1", label="a"), command("sleep 1", label="b")], WindowConfig())

    elapsed = time.monotonic() - started
    assert 0.9 <= elapsed < 1.8
    assert [s.meta["exit_code"] for s in collection.sections] == [0, 0]


def test_a_timeout_kills_the_whole_process_group_grandchildren_included(tmp_path):
    pidfile, marker = tmp_path / "grandchild.pid", tmp_path / "grandchild-was-here"
    script = f"(sleep 1; touch {marker}) & echo $! > {pidfile}; echo started; sleep 30"
    started = time.monotonic()

    section = collect_one(command(f"sh -c '{script}'", timeout_seconds=0.3))

    assert time.monotonic() - started < 1.0
    assert section.meta["timed_out"] is True
    assert section.meta["exit_code"] is None
    assert "started" in section.text
    assert "[command timed out after 0.3s and was killed]" in section.text
    assert gone(int(pidfile.read_text()))
    time.sleep(max(0.0, started + 1.3 - time.monotonic()))  # past the moment it would have written
    assert not marker.exists()


def test_a_command_that_leaves_a_background_process_does_not_hold_the_run(tmp_path):
    pidfile = tmp_path / "bg.pid"
    started = time.monotonic()

    section = collect_one(command(f"sh -c 'sleep 30 & echo $! > {pidfile}; echo done'", timeout_seconds=5))

    assert time.monotonic() - started < 1  # the sleep still holds the output pipe; we do not wait for it
    assert section.text == "done"
    assert section.meta == {"exit_code": 0, "timed_out": False, "timeout_seconds": 5.0}
    assert gone(int(pidfile.read_text()))


def test_output_is_capped_while_reading_and_keeps_the_newest_lines(settings):
    settings.COMMAND_MAX_OUTPUT_BYTES = 10_000
    program = "import sys\nfor i in range(400_000): sys.stdout.write(f'line {i:06d} ' + 'x' * 40 + '\\n')"

    section = collect_one(command(f"{sys.executable} -c \"{program}\""))

    assert len(section.text.encode()) <= 10_000
    assert section.text.splitlines()[-1].startswith("line 399999 ")
    assert section.text.splitlines()[0].startswith("line ")  # starts on a whole line
    assert section.omitted_bytes == 400_000 * 53 - len(section.text.encode()) - 1
    assert "older bytes (size cap) omitted" in section.render()


def test_the_tail_buffer_never_holds_much_more_than_its_limit():
    buffer = TailBuffer(1000)
    peak = 0
    for i in range(10_000):
        buffer.write(f"{i:09d}\n".encode())
        peak = max(peak, len(buffer.data))

    kept = buffer.getvalue()

    assert peak <= 2000
    assert kept.endswith(b"000009999\n") and len(kept) == 1000
    assert buffer.dropped == 100_000 - 1000


def test_the_child_environment_holds_none_of_the_apps_secrets(monkeypatch):
    secrets = {
        "OPENAI_API_KEY": "sk-test-openai-0001",
        "SECRET_KEY": "django-secret-0002",
        "TWILIO_AUTH_TOKEN": "twilio-token-0003",
        "TWILIO_ACCOUNT_SID": "AC-sid-0004",
        "EMAIL_HOST_PASSWORD": "smtp-password-0005",
        "AWS_SECRET_ACCESS_KEY": "aws-secret-0006",
        "DATABASE_URL": "postgres://u:db-password-0007@h/db",
        "API_TOKEN": "api-token-0008",
        "SOMETHING_ELSE": "unlisted-0009",
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)

    section = collect_one(command("env"))

    assert "PATH=" in section.text
    for name, value in secrets.items():
        assert name not in section.text
        assert value not in section.text


def test_no_shell_by_default_so_variables_and_pipes_are_literal():
    home = collect_one(command("echo $HOME"))
    piped = collect_one(command("echo a | tr a b"))

    assert home.text == "$HOME"
    assert piped.text == "a | tr a b"


def test_shell_true_runs_through_a_shell():
    section = collect_one(command("echo a | tr a b", shell=True))

    assert section.text == "b"


def test_disabled_command_inputs_are_refused_with_a_clear_error(settings):
    settings.COMMAND_INPUTS_ENABLED = False

    section = collect_one(command("echo hi"))

    assert section.text == ""
    assert "COMMAND_INPUTS_ENABLED=false" in section.error


def test_a_missing_binary_is_a_section_error():
    section = collect_one(command("no-such-binary-3f9c --flag"))

    assert section.error == "cannot run 'no-such-binary-3f9c': No such file or directory"


def test_a_non_zero_exit_is_noted_but_keeps_the_output():
    section = collect_one(command("sh -c 'echo partial; echo oops >&2; exit 3'"))

    assert section.error == ""
    assert section.text == "partial\noops\n[command exited with status 3]"
    assert section.meta["exit_code"] == 3
    assert section.meta["timed_out"] is False


def test_an_unsplittable_command_is_refused_by_the_schema_and_the_collector():
    with pytest.raises(ConfigError) as raised:
        parse("inputs", InputSpec, [{"label": "q", "command": "echo 'unclosed"}], many=True)
    assert raised.value.lines == ["inputs[0].command: Cannot be split into arguments (No closing quotation)."]

    section = collect_one(InputSpec.model_construct(label="q", mode="command", command="echo 'unclosed", shell=False))
    assert "command: cannot split" in section.error and "No closing quotation" in section.error


def test_one_failing_command_does_not_sink_the_others():
    collection = collect([command("no-such-binary-3f9c", label="bad"), command("echo fine", label="good")], WindowConfig())

    assert not collection.failed
    assert "[bad]\n[error: cannot run 'no-such-binary-3f9c'" in collection.logs_text
    assert "[good]\nfine" in collection.logs_text
    assert os.environ.get("PATH")  # the app's own environment is untouched
