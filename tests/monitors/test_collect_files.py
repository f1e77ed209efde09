"""File inputs: tails read from the end, only under LOG_FILE_ROOTS."""

import os
import time

import pytest

from monitors.collectors import collect_one
from monitors.collectors.file import tail_lines
from monitors.schemas import InputSpec


def file_input(path, **options) -> InputSpec:
    return InputSpec(label="app", mode="file", path=str(path), **options)


def test_it_returns_the_last_lines_of_a_50_mb_file(root):
    path = root / "big.log"
    with path.open("w") as out:
        for start in range(0, 1_000_000, 100_000):
            out.write("".join(f"{i:07d} GET /index.html 200 {'x' * 20}\n" for i in range(start, start + 100_000)))
    assert path.stat().st_size > 45_000_000

    tail = tail_lines(path, 3)

    assert tail.text.splitlines() == [f"{i:07d} GET /index.html 200 {'x' * 20}" for i in (999_997, 999_998, 999_999)]
    assert tail.lines == 3
    assert tail.end == path.stat().st_size
    assert tail.end - tail.start == len((tail.text + "\n").encode())  # offsets frame exactly the returned lines
    assert tail.inode == path.stat().st_ino


def test_its_cost_does_not_grow_with_the_file_size(root):
    path = root / "sparse.log"
    with path.open("wb") as out:
        out.truncate(50 * 1024**3)  # 50 GiB of holes: reading it all would take minutes
        out.seek(0, os.SEEK_END)
        out.write(b"".join(b"event %d\n" % i for i in range(1000)))
    started = time.monotonic()

    section = collect_one(file_input(path, max_lines=10))

    assert time.monotonic() - started < 0.5
    assert section.text.splitlines() == [f"event {i}" for i in range(990, 1000)]
    assert section.meta["end"] - section.meta["start"] < 200


def test_short_files_and_files_without_a_final_newline(root):
    (root / "short.log").write_bytes(b"one\ntwo")
    (root / "empty.log").write_bytes(b"")
    (root / "crlf.log").write_bytes(b"a\r\nb\r\n")

    assert tail_lines(root / "short.log", 10).text == "one\ntwo"
    assert tail_lines(root / "short.log", 1).text == "two"
    assert tail_lines(root / "empty.log", 10).text == ""
    assert tail_lines(root / "crlf.log", 10).text == "a\nb"


def test_undecodable_bytes_are_replaced_not_fatal(root):
    (root / "bin.log").write_bytes(b"ok\n\xff\xfe bad \xc3\n")

    section = collect_one(file_input(root / "bin.log"))

    assert section.error == ""
    assert section.text == "ok\n\ufffd\ufffd bad \ufffd"


def test_max_bytes_bounds_a_file_of_one_endless_line(root):
    (root / "oneline.log").write_bytes(b"y" * 1_000_000)

    tail = tail_lines(root / "oneline.log", 5, max_bytes=1000)

    assert tail.text == "y" * 1000
    assert tail.clipped is True
    assert tail.start == 999_000


def test_a_path_outside_the_roots_is_refused_naming_the_roots(root):
    section = collect_one(file_input("/etc/hostname"))

    assert section.error == f"path: '/etc/hostname' is outside the allowed log directories (LOG_FILE_ROOTS: {root})"


def test_dot_dot_cannot_climb_out_of_a_root(root, tmp_path):
    (tmp_path / "secret.txt").write_text("top secret")

    section = collect_one(file_input(f"{root}/../secret.txt"))

    assert "outside the allowed log directories" in section.error
    assert "top secret" not in section.text


def test_a_symlink_inside_a_root_cannot_point_outside_it(root, tmp_path):
    (tmp_path / "secret.txt").write_text("top secret")
    (root / "innocent.log").symlink_to(tmp_path / "secret.txt")
    (root / "real.log").write_text("fine\n")
    (root / "alias.log").symlink_to(root / "real.log")

    escaped = collect_one(file_input(root / "innocent.log"))
    inside = collect_one(file_input(root / "alias.log"))

    assert "outside the allowed log directories" in escaped.error
    assert inside.text == "fine"


def test_missing_files_directories_and_fifos_are_clear_errors(root):
    os.mkfifo(root / "pipe.log")
    (root / "dir.log").mkdir()

    missing = collect_one(file_input(root / "nope.log"))
    directory = collect_one(file_input(root / "dir.log"))
    fifo = collect_one(file_input(root / "pipe.log"))  # must not block waiting for a writer

    assert missing.error == f"path: '{root}/nope.log' does not exist"
    assert directory.error == f"path: cannot read '{root}/dir.log': Is a directory"
    assert fifo.error == f"path: cannot read '{root}/pipe.log': Not a regular file"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_a_clear_error(root):
    (root / "locked.log").write_text("x\n")
    (root / "locked.log").chmod(0)

    section = collect_one(file_input(root / "locked.log"))

    assert "permission denied" in section.error
