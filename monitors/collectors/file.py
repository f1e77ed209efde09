"""File inputs: the last lines of a log file under LOG_FILE_ROOTS.

``tail_lines`` reads backwards from the end in blocks, so its cost depends on
the lines asked for, not on the file's size. It returns byte offsets and the
file's identity (device, inode) so an incremental reader can later resume
from ``Tail.end`` and notice rotation (a new inode, or a size below the cursor).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from monitors.collectors.base import CollectionError, Collector, Section
from monitors.schemas import InputSpec

BLOCK_SIZE = 64 * 1024
# Never read more than this from one file in one go, however long its lines:
# a file of one endless line must not cost its whole size.
TAIL_MAX_BYTES = 8 * 1024 * 1024
DEFAULT_TAIL_LINES = 200


@dataclass(frozen=True)
class Tail:
    """The last lines of a file, and where they came from.

    ``start`` is the offset of the first byte returned, ``end`` the file size
    when it was opened (the cursor for an incremental read). ``clipped`` is
    True when ``max_bytes`` stopped the read before ``n`` lines were found.
    """

    text: str
    lines: int
    start: int
    end: int
    device: int
    inode: int
    clipped: bool


def tail_lines(path: str | os.PathLike, n: int, *, max_bytes: int | None = None) -> Tail:
    """Read the last ``n`` lines of ``path`` (utf-8, undecodable bytes replaced).

    Raises OSError like ``open`` does, and IsADirectoryError / OSError for
    anything that is not a regular file (a FIFO would block forever).
    """
    # O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOFOLLOW: the
    # caller resolved symlinks already, a link appearing now is refused.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(21, "Is a directory", str(path))
        if not stat.S_ISREG(info.st_mode):
            raise OSError(22, "Not a regular file", str(path))
        data, start, clipped = _read_backwards(fd, info.st_size, n, max_bytes)
    finally:
        os.close(fd)
    skip = _start_of_last_lines(data, n)
    lines = data[skip:].decode("utf-8", "replace").split("\n")
    if lines[-1] == "":  # the final newline ends the last line
        lines.pop()
    text = "\n".join(line.removesuffix("\r") for line in lines)
    return Tail(text, len(lines), start + skip, info.st_size, info.st_dev, info.st_ino, clipped)


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


def _read_backwards(fd: int, size: int, n: int, max_bytes: int | None) -> tuple[bytes, int, bool]:
    """Blocks from ``size`` backwards until ``n`` whole lines are in hand; returns (bytes, start offset, clipped)."""
    blocks: list[bytes] = []
    position = size
    newlines = 0
    # A final newline ends the last line; it does not start another one.
    wanted = n + 1 if size and os.pread(fd, 1, size - 1) == b"\n" else n
    while position > 0 and newlines < wanted:
        if max_bytes is not None and size - position >= max_bytes:
            break
        step = min(BLOCK_SIZE, position)
        if max_bytes is not None:
            step = min(step, max_bytes - (size - position))
        position -= step
        block = os.pread(fd, step, position)
        if len(block) != step:  # the file shrank under us (truncated/rotated): give up on this read
            raise OSError(5, "File changed while reading")
        blocks.append(block)
        newlines += block.count(b"\n")
    data = b"".join(reversed(blocks))
    clipped = position > 0 and newlines < wanted
    if clipped:
        # Stopped by max_bytes mid-line: drop the partial first line unless it is all we have.
        first = data.find(b"\n")
        if 0 <= first < len(data) - 1:
            data = data[first + 1 :]
            position += first + 1
    return data, position, clipped


def allowed_path(raw: str) -> Path:
    """``raw`` with symlinks and '..' resolved, if it lies under one of LOG_FILE_ROOTS; else CollectionError."""
    resolved = Path(os.path.realpath(raw))
    roots = [Path(os.path.realpath(root)) for root in settings.LOG_FILE_ROOTS]
    if not any(resolved.is_relative_to(root) for root in roots):
        allowed = ", ".join(str(root) for root in roots) or "(none configured)"
        raise CollectionError(f"path: '{raw}' is outside the allowed log directories (LOG_FILE_ROOTS: {allowed})", permanent=True)
    return resolved


class FileCollector(Collector):
    def read(self, spec: InputSpec) -> Section:
        path = allowed_path(spec.path or "")
        try:
            tail = tail_lines(path, spec.max_lines or DEFAULT_TAIL_LINES, max_bytes=TAIL_MAX_BYTES)
        except FileNotFoundError:
            raise CollectionError(f"path: '{spec.path}' does not exist") from None
        except PermissionError:
            raise CollectionError(f"path: '{spec.path}' is not readable by this server (permission denied)", permanent=True) from None
        except OSError as exc:
            raise CollectionError(f"path: cannot read '{spec.path}': {exc.strerror or exc}", permanent=True) from None
        return Section(
            label=spec.label,
            text=tail.text,
            omitted_bytes=tail.start if tail.clipped else 0,
            meta={"path": str(path), "start": tail.start, "end": tail.end, "inode": tail.inode},
        )
