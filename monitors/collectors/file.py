"""File inputs: the last lines of a log file under LOG_FILE_ROOTS.

``tail_lines`` reads backwards from the end in blocks, so its cost depends on
the lines asked for, not on the file's size. It returns byte offsets and the
file's identity (device, inode).

``read_new_lines`` is the incremental read of scheduled runs: it resumes at
a cursor (identity, offset, and a fingerprint of the bytes just before the
offset), reads only complete lines (a line still being written waits for the
next run), and is bounded like a tail (a burst, or the first read of a huge
file, costs ``n`` lines, not the whole file). It notices rotation (another
inode at the path: the rest of the old file is read first if it is still in
the same directory under any name) and truncation (a size below the offset,
or other bytes before it: read from the start).
"""

from __future__ import annotations

import hashlib
import os
import stat
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings

from monitors.collectors.base import CollectionError, Collector, Section
from monitors.schemas import InputSpec

BLOCK_SIZE = 64 * 1024
# Never read more than this from one file in one go, however long its lines:
# a file of one endless line must not cost its whole size.
TAIL_MAX_BYTES = 8 * 1024 * 1024
DEFAULT_TAIL_LINES = 200
# Bytes before a cursor's offset whose hash must still match: a file rewritten
# to the same size or larger (copytruncate then a burst) is not mistaken for
# one that only grew.
FINGERPRINT_BYTES = 64
# How many names to look through for a rotated file's new name.
MAX_DIRECTORY_ENTRIES = 10_000


@dataclass(frozen=True)
class Tail:
    """The last lines of a file, and where they came from.

    ``start`` is the offset of the first byte returned, ``end`` the offset
    just past the last one (the file size, unless a partial last line was
    held back), ``size`` the file size when it was opened. ``clipped`` is
    True when ``max_bytes`` stopped the read before ``n`` lines were found.
    """

    text: str
    lines: int
    start: int
    end: int
    device: int
    inode: int
    clipped: bool
    size: int = 0


def _open_regular(path: str | os.PathLike) -> tuple[int, os.stat_result]:
    """An fd and its stat for a regular file; OSError like ``open``, and for anything else (a FIFO would block forever)."""
    # O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOFOLLOW: the
    # caller resolved symlinks already, a link appearing now is refused.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(21, "Is a directory", str(path))
        if not stat.S_ISREG(info.st_mode):
            raise OSError(22, "Not a regular file", str(path))
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def tail_lines(path: str | os.PathLike, n: int, *, max_bytes: int | None = None) -> Tail:
    """Read the last ``n`` lines of ``path`` (utf-8, undecodable bytes replaced).

    Raises OSError like ``open`` does, and IsADirectoryError / OSError for
    anything that is not a regular file (a FIFO would block forever).
    """
    fd, info = _open_regular(path)
    try:
        return _tail(fd, info, n, max_bytes=max_bytes)
    finally:
        os.close(fd)


def _tail(fd: int, info: os.stat_result, n: int, *, max_bytes: int | None, floor: int = 0, whole_lines: bool = False) -> Tail:
    """The last ``n`` lines of the open file between ``floor`` and its end (only complete ones if ``whole_lines``)."""
    end = _end_of_last_line(fd, floor, info.st_size, max_bytes) if whole_lines else info.st_size
    data, start, clipped = _read_backwards(fd, end, n, max_bytes, floor=floor)
    skip = _start_of_last_lines(data, n)
    lines = data[skip:].decode("utf-8", "replace").split("\n")
    if lines[-1] == "":  # the final newline ends the last line
        lines.pop()
    text = "\n".join(line.removesuffix("\r") for line in lines)
    return Tail(text, len(lines), start + skip, end, info.st_dev, info.st_ino, clipped, info.st_size)


def _end_of_last_line(fd: int, floor: int, size: int, max_bytes: int | None) -> int:
    """Offset just past the last newline in [floor, size): a line still being written is left for the next read.

    A "line" longer than ``max_bytes`` without a newline is taken as it is
    (clipped), or the cursor would never move past it.
    """
    position = size
    while position > floor:
        if max_bytes is not None and size - position >= max_bytes:
            return size
        step = min(BLOCK_SIZE, position - floor)
        block = os.pread(fd, step, position - step)
        newline = block.rfind(b"\n")
        if newline >= 0:
            return position - step + newline + 1
        position -= step
    return floor


def _start_of_last_lines(data: bytes, n: int) -> int:
    """Offset in ``data`` where its last ``n`` lines begin."""
    if n <= 0:
        return len(data)
    cut = len(data) - 1 if data.endswith(b"\n") else len(data)
    for _ in range(n):
        cut = data.rfind(b"\n", 0, cut)
        if cut < 0:
            return 0
    return cut + 1


def _read_backwards(fd: int, size: int, n: int, max_bytes: int | None, *, floor: int = 0) -> tuple[bytes, int, bool]:
    """Blocks from ``size`` back towards ``floor`` until ``n`` whole lines are in hand; returns (bytes, start offset, clipped)."""
    blocks: list[bytes] = []
    position = size
    newlines = 0
    # A final newline ends the last line; it does not start another one.
    wanted = n + 1 if size > floor and os.pread(fd, 1, size - 1) == b"\n" else n
    while position > floor and newlines < wanted:
        if max_bytes is not None and size - position >= max_bytes:
            break
        step = min(BLOCK_SIZE, position - floor)
        if max_bytes is not None:
            step = min(step, max_bytes - (size - position))
        position -= step
        block = os.pread(fd, step, position)
        if len(block) != step:  # the file shrank under us (truncated/rotated): give up on this read
            raise OSError(5, "File changed while reading")
        blocks.append(block)
        newlines += block.count(b"\n")
    data = b"".join(reversed(blocks))
    clipped = position > floor and newlines < wanted
    if clipped:
        # Stopped by max_bytes mid-line: drop the partial first line unless it is all we have.
        first = data.find(b"\n")
        if 0 <= first < len(data) - 1:
            data = data[first + 1 :]
            position += first + 1
    return data, position, clipped


@dataclass(frozen=True)
class FileCursor:
    """Where an incremental read resumes: which file, the offset after the last line read, the bytes before it."""

    path: str  # as configured: another path under the same label is another input
    device: int
    inode: int
    offset: int
    fingerprint: str

    @classmethod
    def from_state(cls, state: dict | None, path: str) -> FileCursor | None:
        """The stored cursor when it is a file cursor for ``path``; None (a first read) otherwise."""
        if not state or state.get("kind") != "file" or state.get("path") != path:
            return None
        try:
            return cls(path, int(state["device"]), int(state["inode"]), int(state["offset"]), str(state["fingerprint"]))
        except (KeyError, TypeError, ValueError):
            return None

    def as_state(self) -> dict:
        return {"kind": "file", **asdict(self)}


@dataclass
class NewLines:
    """What an incremental read found: the text, what it could not include, and the next cursor."""

    text: str
    lines: int
    omitted_bytes: int
    cursor: FileCursor
    tail: Tail
    read_from: int | None  # where the new bytes began in the current file; None for a first read (a plain tail)
    notes: list[str] = field(default_factory=list)


def _fingerprint(fd: int, offset: int) -> str:
    length = min(FINGERPRINT_BYTES, offset)
    return hashlib.sha256(os.pread(fd, length, offset - length)).hexdigest()[:32]


def read_new_lines(path: Path, configured: str, cursor: FileCursor | None, n: int, *, max_bytes: int) -> NewLines:
    """The complete lines added to ``path`` since ``cursor`` (at most the newest ``n``), and the next cursor.

    No cursor: the last ``n`` lines, like a tail. Same file, grown: from the
    offset. Truncated or rewritten: from the start. Rotated (another file at
    the path): the rest of the old file if it is still in the directory, then
    the new file from its start; the newest ``n`` lines of the two are kept.
    What arrived but did not fit is counted in ``omitted_bytes``.
    """
    fd, info = _open_regular(path)
    try:
        notes: list[str] = []
        floor, rotated_from = 0, None
        rotated = cursor is not None and (info.st_dev, info.st_ino) != (cursor.device, cursor.inode)
        if cursor is None:
            floor = None  # a first read: history before the tail is not "new"
        elif rotated:
            rotated_from = _rotated_file(path, cursor)
        elif info.st_size < cursor.offset:
            notes.append(f"the file was truncated since the last run (to {info.st_size} bytes; it had been read up to {cursor.offset}); read from its start")
        elif _fingerprint(fd, cursor.offset) != cursor.fingerprint:
            notes.append("the file was rewritten since the last run; read from its start")
        else:
            floor = cursor.offset
        tail = _tail(fd, info, n, max_bytes=max_bytes, floor=floor or 0, whole_lines=True)
        next_cursor = FileCursor(configured, info.st_dev, info.st_ino, tail.end, _fingerprint(fd, tail.end))
    finally:
        os.close(fd)
    omitted = (tail.start if tail.clipped else 0) if floor is None else tail.start - floor
    text, lines = tail.text, tail.lines
    if rotated:
        if rotated_from is None:
            notes.append("the file was rotated since the last run and the old file was not found; read the new file from its start (lines written to the old file after the last run are missing)")
        else:
            notes.append(f"the file was rotated since the last run; read the rest of the old file ({rotated_from.name}), then the new file from its start")
            old_text, old_lines, old_omitted = _rest_of(rotated_from, cursor, n - lines, max_bytes=max_bytes)
            text = "\n".join(part for part in (old_text, text) if part)
            lines += old_lines
            omitted += old_omitted
    return NewLines(text, lines, omitted, next_cursor, tail, floor, notes)


def _rotated_file(path: Path, cursor: FileCursor) -> Path | None:
    """The cursor's file if it is still in ``path``'s directory under another name (app.log.1, app.log-20250107)."""
    try:
        with os.scandir(path.parent) as entries:
            for count, entry in enumerate(entries):
                if count >= MAX_DIRECTORY_ENTRIES:
                    break
                # DirEntry.inode() comes from readdir: no stat per file.
                if entry.inode() == cursor.inode and entry.name != path.name and entry.is_file(follow_symlinks=False):
                    if entry.stat(follow_symlinks=False).st_dev == cursor.device:
                        return Path(entry.path)
    except OSError:
        return None
    return None


def _rest_of(path: Path, cursor: FileCursor, n: int, *, max_bytes: int) -> tuple[str, int, int]:
    """(text, lines, omitted bytes) of the rotated file after the cursor: its newest ``n`` lines, a final partial one included."""
    try:
        fd, info = _open_regular(path)
    except OSError:
        return "", 0, 0
    try:
        if (info.st_dev, info.st_ino) != (cursor.device, cursor.inode) or info.st_size < cursor.offset:
            return "", 0, 0
        if n <= 0:
            return "", 0, info.st_size - cursor.offset
        # The old file is complete (its writer moved on), so its last line counts even without a newline.
        rest = _tail(fd, info, n, max_bytes=max_bytes, floor=cursor.offset)
    finally:
        os.close(fd)
    return rest.text, rest.lines, rest.start - cursor.offset


def allowed_path(raw: str) -> Path:
    """``raw`` with symlinks and '..' resolved, if it lies under one of LOG_FILE_ROOTS; else CollectionError."""
    resolved = Path(os.path.realpath(raw))
    roots = [Path(os.path.realpath(root)) for root in settings.LOG_FILE_ROOTS]
    if not any(resolved.is_relative_to(root) for root in roots):
        allowed = ", ".join(str(root) for root in roots) or "(none configured)"
        raise CollectionError(f"path: '{raw}' is outside the allowed log directories (LOG_FILE_ROOTS: {allowed})", permanent=True)
    return resolved


@contextmanager
def _reading(spec: InputSpec):
    """OSError while reading -> CollectionError naming the path."""
    try:
        yield
    except FileNotFoundError:
        raise CollectionError(f"path: '{spec.path}' does not exist") from None
    except PermissionError:
        raise CollectionError(f"path: '{spec.path}' is not readable by this server (permission denied)", permanent=True) from None
    except OSError as exc:
        raise CollectionError(f"path: cannot read '{spec.path}': {exc.strerror or exc}", permanent=True) from None


class FileCollector(Collector):
    def read(self, spec: InputSpec) -> Section:
        path = allowed_path(spec.path or "")
        with _reading(spec):
            tail = tail_lines(path, spec.max_lines or DEFAULT_TAIL_LINES, max_bytes=TAIL_MAX_BYTES)
        return Section(
            label=spec.label,
            text=tail.text,
            omitted_bytes=tail.start if tail.clipped else 0,
            meta={"path": str(path), "start": tail.start, "end": tail.end, "inode": tail.inode},
        )

    def read_new(self, spec: InputSpec, cursor: dict | None) -> Section:
        path = allowed_path(spec.path or "")
        previous = FileCursor.from_state(cursor, spec.path or "")
        with _reading(spec):
            new = read_new_lines(path, spec.path or "", previous, spec.max_lines or DEFAULT_TAIL_LINES, max_bytes=TAIL_MAX_BYTES)
        tail = new.tail
        return Section(
            label=spec.label,
            text=new.text,
            omitted_bytes=new.omitted_bytes,
            omitted_reason="new since the last run, over max_lines",
            notes=new.notes,
            cursor=new.cursor.as_state(),
            changed=bool(new.lines or new.notes),
            meta={"path": str(path), "start": tail.start, "end": tail.end, "inode": tail.inode, "read_from": new.read_from},
        )
