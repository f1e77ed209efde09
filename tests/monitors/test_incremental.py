"""Incremental reading: files resume at a cursor (rotation and truncation included), containers use ``since``."""

import os
import random
import time

import pytest

from monitors.collectors import collect, collect_one
from monitors.schemas import ConfigError, InputSpec, WindowConfig, parse
from monitors.models import InputCursor
from monitors.selectors import input_cursors
from monitors.services import cursors_advance, validate_monitor_fields
from tests.factories import MonitorFactory
from tests.fakes.docker_server import START_NS, STDERR, STDOUT


def append(path, text: str) -> None:
    with open(path, "a") as out:
        out.write(text)


def lines(*numbers) -> str:
    return "".join(f"line {n}\n" for n in numbers)


class Reader:
    """Reads one input the way successive answered runs do: each read starts at the previous read's cursor."""

    def __init__(self, spec: InputSpec):
        self.spec = spec
        self.cursor = None

    def read(self):
        section = collect_one(self.spec, incremental=True, cursor=self.cursor)
        assert section.error == ""
        self.cursor = section.cursor
        return section


def file_reader(path, **options) -> Reader:
    return Reader(InputSpec(label="app", mode="file", path=str(path), **options))


# --- files -----------------------------------------------------------------


def test_it_reads_only_the_lines_appended_since_the_last_read(root):
    path = root / "app.log"
    path.write_text(lines(1, 2, 3))
    reader = file_reader(path)

    first = reader.read()
    append(path, lines(4, 5))
    second = reader.read()
    third = reader.read()

    assert first.text == "line 1\nline 2\nline 3"
    assert second.text == "line 4\nline 5"
    assert second.meta["read_from"] == len(lines(1, 2, 3))
    assert (third.text, third.changed) == ("", False)
    assert "(no new lines since the last run)" in third.render()


def test_a_line_still_being_written_waits_for_its_newline(root):
    path = root / "app.log"
    path.write_text("complete\nhalf a li")
    reader = file_reader(path)

    first = reader.read()
    append(path, "ne\nnext\n")
    second = reader.read()

    assert first.text == "complete"
    assert first.cursor["offset"] == len("complete\n")
    assert second.text == "half a line\nnext"


def test_a_rotated_file_is_read_from_the_rest_of_the_old_one_then_the_new_one(root):
    path = root / "app.log"
    path.write_text(lines(1, 2))
    reader = file_reader(path)
    reader.read()
    append(path, lines(3, 4))  # written after the last read, before rotation
    path.rename(root / "app.log.1")  # logrotate's default: rename, then create
    path.write_text(lines(5, 6))

    section = reader.read()

    assert section.text == "line 3\nline 4\nline 5\nline 6"
    assert section.notes == ["the file was rotated since the last run; read the rest of the old file (app.log.1), then the new file from its start"]
    assert "[note: the file was rotated" in section.render()
    assert section.cursor["inode"] == path.stat().st_ino
    append(path, lines(7))
    assert reader.read().text == "line 7"


def test_rotation_without_the_old_file_reads_the_new_one_and_says_what_may_be_missing(root):
    path = root / "app.log"
    path.write_text(lines(1))
    reader = file_reader(path)
    reader.read()
    still_open = path.open()  # deleted (say, compressed away) while its writer holds it: its inode is not reused yet
    path.unlink()
    path.write_text(lines(2, 3))

    section = reader.read()
    still_open.close()

    assert section.text == "line 2\nline 3"
    assert "the old file was not found" in section.notes[0]


def test_a_truncated_file_is_read_from_its_start(root):
    path = root / "app.log"
    path.write_text(lines(1, 2, 3))
    reader = file_reader(path)
    reader.read()
    with open(path, "r+") as out:  # copytruncate: same inode, emptied in place
        out.truncate(0)
    append(path, lines(4))

    section = reader.read()

    assert section.text == "line 4"
    assert section.notes[0].startswith("the file was truncated since the last run")
    assert reader.read().text == ""


def test_a_file_truncated_then_refilled_past_the_old_offset_is_still_read_from_its_start(root):
    path = root / "app.log"
    path.write_text(lines(1))
    reader = file_reader(path)
    reader.read()
    with open(path, "r+") as out:
        out.truncate(0)
    append(path, "".join(f"after truncation {n}\n" for n in range(3)))  # larger than the old offset: only the fingerprint tells

    section = reader.read()

    assert section.text.splitlines() == [f"after truncation {n}" for n in range(3)]
    assert section.notes == ["the file was rewritten since the last run; read from its start"]


def test_the_first_read_of_a_huge_file_costs_max_lines_not_the_file(root):
    path = root / "huge.log"
    with path.open("wb") as out:
        out.truncate(20 * 1024**3)  # 20 GiB of holes: reading it all would take minutes
        out.seek(0, os.SEEK_END)
        out.write(b"".join(b"event %d\n" % i for i in range(1000)))
    reader = file_reader(path, max_lines=10)
    started = time.monotonic()

    section = reader.read()

    assert time.monotonic() - started < 0.5
    assert section.text.splitlines() == [f"event {i}" for i in range(990, 1000)]
    assert section.omitted_bytes == 0  # history before the first read is not "new"
    assert reader.cursor["offset"] == path.stat().st_size


def test_a_burst_larger_than_max_lines_keeps_the_newest_and_counts_the_rest(root):
    path = root / "app.log"
    path.write_text(lines(0))
    reader = file_reader(path, max_lines=5)
    reader.read()
    append(path, lines(*range(1, 1001)))

    section = reader.read()

    assert section.text.splitlines() == [f"line {n}" for n in range(996, 1001)]
    assert section.omitted_bytes == len(lines(*range(1, 996)))
    assert "older bytes (new since the last run, over max_lines) omitted" in section.render()
    assert reader.cursor["offset"] == path.stat().st_size


def test_a_cursor_for_another_path_is_a_first_read(root):
    (root / "a.log").write_text(lines(1, 2))
    (root / "b.log").write_text(lines(3, 4))
    reader = file_reader(root / "a.log")
    reader.read()

    reader.spec = InputSpec(label="app", mode="file", path=str(root / "b.log"))
    section = reader.read()

    assert (section.text, section.notes) == ("line 3\nline 4", [])


def test_appends_partial_writes_and_rotations_lose_and_repeat_nothing(root):
    """A writer with lines cut across reads and rename rotations: the reads, joined, are every line written, once."""
    chance = random.Random(7)
    path = root / "app.log"
    path.write_text("")
    reader = file_reader(path, max_lines=10_000)
    written, read, rest_of_line = [], [], ""
    for step in range(300):
        append(path, rest_of_line)  # the writer finishes the line it was in the middle of
        rest_of_line = ""
        if chance.random() < 0.05:
            path.rename(root / f"app.log.{step}")
            path.write_text("")
        for _ in range(chance.randint(0, 5)):
            written.append(f"event {len(written)} " + "x" * chance.randint(0, 40))
            append(path, written[-1] + "\n")
        if chance.random() < 0.3:
            written.append(f"event {len(written)} cut across reads")
            cut = chance.randint(0, len(written[-1]))
            append(path, written[-1][:cut])
            rest_of_line = written[-1][cut:] + "\n"
        read.extend(reader.read().text.splitlines())
    append(path, rest_of_line)
    read.extend(reader.read().text.splitlines())

    assert len(written) > 500
    assert read == written


# --- docker ----------------------------------------------------------------


def docker_reader(container="web", **options) -> Reader:
    return Reader(InputSpec(label="web", mode="docker", container=container, **options))


def logs_queries(engine) -> list[dict]:
    return [query for path, query in engine.requests if path.endswith("/logs")]


def test_docker_reads_only_entries_after_the_last_one_read_using_since(engine):
    web = engine.add("web", tty=False, frames=[(STDOUT, b"booting\n"), (STDERR, b"ready\n")])
    reader = docker_reader()

    first = reader.read()
    web.log(STDOUT, b"GET / 200\n")
    web.log(STDERR, b"GET /x 500\n")
    second = reader.read()
    third = reader.read()

    assert first.text == "booting\nready"
    assert second.text == "GET / 200\nGET /x 500"
    assert (third.text, third.changed) == ("", False)
    first_query, second_query, _ = logs_queries(engine)
    assert "since" not in first_query and first_query["timestamps"] == "1"
    assert second_query["since"] == str(START_NS // 10**9)  # whole seconds, rounded down
    assert "\x00" not in second.text and "Z " not in second.text  # no frame headers, no timestamps


def test_docker_entries_in_the_same_second_as_the_cursor_are_neither_lost_nor_repeated(engine):
    web = engine.add("web", tty=True, frames=[])
    web.log(STDOUT, b"a\n", at_ns=START_NS + 100)
    reader = docker_reader()
    reader.read()
    web.log(STDOUT, b"b\n", at_ns=START_NS + 150)  # same second as the cursor: ``since`` (whole seconds) returns "a" too
    web.log(STDOUT, b"c\n", at_ns=START_NS + 200_000_000)

    section = reader.read()

    assert section.text == "b\nc"
    assert reader.cursor["last_ns"] == START_NS + 200_000_000


def test_a_recreated_container_is_read_from_its_newest_lines(engine):
    web = engine.add("web", tty=True, frames=[(STDOUT, b"old\n")])
    reader = docker_reader()
    reader.read()
    web.generation += 1  # same name, another id
    web.frames, web.times = [], []
    web.log(STDOUT, b"fresh\n", at_ns=START_NS - 10**9)  # even when its clock is behind the old cursor

    section = reader.read()

    assert section.text == "fresh"
    assert section.notes == ["the container was recreated since the last run (another id); read its newest lines"]
    assert "since" not in logs_queries(engine)[-1]


def test_a_docker_burst_larger_than_max_lines_says_older_lines_were_not_read(engine):
    web = engine.add("web", tty=True, frames=[(STDOUT, b"start\n")])
    reader = docker_reader(max_lines=3)
    reader.read()
    for n in range(10):
        web.log(STDOUT, b"burst %d\n" % n)

    section = reader.read()

    assert section.text.splitlines() == ["burst 7", "burst 8", "burst 9"]
    assert section.notes == ["3 or more lines arrived since the last run; only the newest 3 (max_lines) were read"]


# --- commands, collect, cursors ----------------------------------------------


def test_a_command_is_read_whole_every_time_and_changed_only_when_its_output_differs(tmp_path):
    state = tmp_path / "state.txt"
    state.write_text("disk 50%\n")
    reader = Reader(InputSpec(label="disk", mode="command", command=f"cat {state}"))

    first, same = reader.read(), reader.read()
    state.write_text("disk 95%\n")
    different = reader.read()

    assert (first.text, first.changed) == ("disk 50%", True)
    assert (same.text, same.changed) == ("disk 50%", False)
    assert (different.text, different.changed) == ("disk 95%", True)
    assert set(reader.cursor) == {"kind", "digest"}


def test_collect_without_cursors_reads_whole_tails_and_proposes_none(root):
    path = root / "app.log"
    path.write_text("a\nb\npartial")
    spec = InputSpec(label="app", mode="file", path=str(path))

    whole = collect([spec], WindowConfig())
    incremental = collect([spec], WindowConfig(), cursors={})

    assert whole.sections[0].text == "a\nb\npartial"
    assert whole.sections[0].cursor is None and not whole.unchanged
    assert incremental.sections[0].text == "a\nb"  # the line still being written waits
    assert incremental.sections[0].cursor["offset"] == 4


@pytest.mark.django_db
def test_cursors_advance_keeps_a_failed_inputs_cursor_and_drops_removed_inputs(root):
    monitor = MonitorFactory()
    path = root / "app.log"
    path.write_text(lines(1))
    specs = [InputSpec(label="app", mode="file", path=str(path)), InputSpec(label="gone", mode="command", command="echo hi")]
    cursors_advance(monitor, sections=collect(specs, WindowConfig(), cursors={}).sections)
    stored = input_cursors(monitor)
    path.unlink()

    failed = collect(specs[:1], WindowConfig(), cursors=stored).sections
    cursors_advance(monitor, sections=failed)

    assert "does not exist" in failed[0].error
    assert input_cursors(monitor) == {"app": stored["app"]}
    assert InputCursor.objects.get(monitor=monitor).kind == "file"


def test_skip_when_unchanged_needs_incremental_reading():
    with pytest.raises(ConfigError) as caught:
        parse("window_config", WindowConfig, {"incremental": False, "skip_when_unchanged": True})

    assert caught.value.lines == ["window_config.skip_when_unchanged: Needs incremental reading (incremental: true) to know what is new."]


def test_two_inputs_may_not_share_a_label():
    inputs = [{"label": "app", "command": "echo a"}, {"label": "app", "command": "echo b"}]

    with pytest.raises(ConfigError) as caught:
        validate_monitor_fields(
            prompt="p", inputs=inputs, window_config={}, notification_config={}, remediation_config={},
            llm_provider="stub", llm_provider_metadata={},
        )

    assert caught.value.field == "inputs"
    assert caught.value.lines == ["inputs[1].label: 'app' is already the label of another input; labels must be unique."]
