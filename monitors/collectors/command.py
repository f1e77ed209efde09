"""Command inputs: run a program, capture its output, never wait forever.

- No shell unless the input says ``shell: true``; the command is split with shlex.
- The child gets a whitelisted environment, never the app's secrets.
- It runs in its own session (process group); on timeout the whole group is
  SIGKILLed, grandchildren included, and so is anything it left running in
  the background when it finished. (A process that calls setsid itself
  leaves the group and escapes; that is a deliberate daemon, not a log reader.)
- Output is read incrementally and only the newest COMMAND_MAX_OUTPUT_BYTES
  are kept: for logs the end is what matters, and memory stays bounded
  however much the command prints.
"""

from __future__ import annotations

import os
import selectors
import shlex
import signal
import subprocess
import time

from django.conf import settings

from monitors.collectors.base import CollectionError, Collector, Section
from monitors.schemas import InputSpec

# Environment variables a child may see; everything else (API keys, SMTP and
# Twilio credentials, SECRET_KEY, DATABASE_URL...) stays in the app.
SAFE_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TERM", "USER", "LOGNAME", "SHELL", "TMPDIR", "DOCKER_HOST")
DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin"
READ_CHUNK = 64 * 1024
POLL_SECONDS = 0.1  # how soon we notice the command exited while something else still holds its output
DRAIN_GRACE_SECONDS = 1.0  # how long its leftovers may keep writing after it exited


def child_environment() -> dict[str, str]:
    """The whitelist, minus anything named like one of the app's secrets (belt and braces)."""
    secret = set(settings.SECRET_SETTING_NAMES)
    env = {name: os.environ[name] for name in SAFE_ENV if name in os.environ and name not in secret}
    env.setdefault("PATH", DEFAULT_PATH)
    return env


def command_args(spec: InputSpec) -> str | list[str]:
    """What Popen gets: the string for a shell, else the shlex-split argument list."""
    if spec.shell:
        return spec.command
    try:
        args = shlex.split(spec.command or "")
    except ValueError as exc:
        raise CollectionError(f"command: cannot split {spec.command!r}: {exc}", permanent=True) from None
    if not args:
        raise CollectionError("command: is empty", permanent=True)
    return args


class TailBuffer:
    """Keeps the last ``limit`` bytes of a stream; counts what it dropped."""

    def __init__(self, limit: int):
        self.limit = limit
        self.data = bytearray()
        self.dropped = 0
        self.cut_at_line_end = True  # was the last dropped byte a newline?

    def write(self, chunk: bytes) -> None:
        self.data += chunk
        # Trim only when well over the limit, so the copy cost stays linear.
        if len(self.data) > 2 * self.limit:
            self._trim()

    def _trim(self) -> None:
        excess = len(self.data) - self.limit
        if excess > 0:
            self.cut_at_line_end = self.data[excess - 1] == 0x0A
            del self.data[:excess]
            self.dropped += excess

    def getvalue(self) -> bytes:
        self._trim()
        if not self.cut_at_line_end:
            # The cut landed mid-line (maybe mid-character): start at the next whole line.
            newline = self.data.find(b"\n")
            if 0 <= newline < len(self.data) - 1:
                del self.data[: newline + 1]
                self.dropped += newline + 1
                self.cut_at_line_end = True
        return bytes(self.data)


def kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # the whole group is already gone


def run_bounded(args: str | list[str], *, shell: bool, timeout: float, max_bytes: int) -> tuple[bytes, int, int | None, bool]:
    """Run a command with a deadline and an output cap.

    Returns (kept output, bytes dropped from the front, exit code or None, timed out).
    """
    try:
        process = subprocess.Popen(
            args,
            shell=shell,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=child_environment(),
            start_new_session=True,  # its own process group, so a timeout kills grandchildren too
        )
    except OSError as exc:  # missing binary, not executable, ...
        name = args if shell else args[0]
        raise CollectionError(f"cannot run '{name}': {exc.strerror or exc}", permanent=True) from None

    deadline = time.monotonic() + timeout
    output = TailBuffer(max_bytes)
    timed_out = False
    exited_at = None
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            # Read until EOF, or until the command has exited and the pipe is
            # drained: a background process may hold the pipe open for ever.
            while True:
                now = time.monotonic()
                if now >= deadline:
                    timed_out = True
                    break
                if exited_at is None and process.poll() is not None:
                    exited_at = now
                if exited_at is not None and now - exited_at > DRAIN_GRACE_SECONDS:
                    break
                if not selector.select(min(deadline - now, POLL_SECONDS)):
                    if exited_at is not None:
                        break  # it exited and nothing more is coming right now
                    continue
                chunk = os.read(process.stdout.fileno(), READ_CHUNK)
                if not chunk:
                    break
                output.write(chunk)
        if not timed_out:
            try:
                process.wait(max(deadline - time.monotonic(), 0))
            except subprocess.TimeoutExpired:
                timed_out = True  # it closed its output but kept running
    finally:
        # On timeout this is the kill; otherwise it reaps whatever the command left in the background.
        kill_group(process)
        process.wait()
        process.stdout.close()
    exit_code = None if timed_out else process.returncode
    data = output.getvalue()
    return data, output.dropped, exit_code, timed_out


class CommandCollector(Collector):
    def read(self, spec: InputSpec) -> Section:
        if not settings.COMMAND_INPUTS_ENABLED:
            raise CollectionError("command inputs are disabled on this server (COMMAND_INPUTS_ENABLED=false)", permanent=True)
        args = command_args(spec)
        timeout = spec.timeout_seconds or settings.COMMAND_TIMEOUT_SECONDS
        data, dropped, exit_code, timed_out = run_bounded(
            args, shell=spec.shell, timeout=timeout, max_bytes=settings.COMMAND_MAX_OUTPUT_BYTES
        )
        text = data.decode("utf-8", "replace").rstrip("\n")
        # The LLM reads the text, people read the meta: both say how the command ended.
        if timed_out:
            text += f"\n[command timed out after {timeout:g}s and was killed]"
        elif exit_code and exit_code < 0:
            text += f"\n[command was killed by signal {-exit_code}]"
        elif exit_code:
            text += f"\n[command exited with status {exit_code}]"
        return Section(
            label=spec.label,
            text=text.lstrip("\n"),
            omitted_bytes=dropped,
            meta={"exit_code": exit_code, "timed_out": timed_out, "timeout_seconds": timeout},
        )
