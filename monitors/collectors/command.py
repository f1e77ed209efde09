"""Command inputs: run a program, capture its output, never wait forever."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess

from django.conf import settings

from monitors.collectors.base import CollectionError, Collector
from monitors.schemas import InputSpec

# Environment variables a child may see; everything else (API keys, SMTP and
# Twilio credentials, SECRET_KEY, DATABASE_URL...) stays in the app.
SAFE_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TERM", "USER", "LOGNAME", "SHELL", "TMPDIR", "DOCKER_HOST")


def child_environment() -> dict[str, str]:
    return {name: os.environ[name] for name in SAFE_ENV if name in os.environ}


class CommandCollector(Collector):
    def read(self, spec: InputSpec) -> str:
        if not settings.COMMAND_INPUTS_ENABLED:
            raise CollectionError("command inputs are disabled (COMMAND_INPUTS_ENABLED=false)", permanent=True)
        timeout = spec.timeout_seconds or settings.COMMAND_TIMEOUT_SECONDS
        args = spec.command if spec.shell else shlex.split(spec.command)
        try:
            process = subprocess.Popen(
                args,
                shell=spec.shell,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                env=child_environment(),
                start_new_session=True,  # its own process group, so a timeout kills grandchildren too
            )
        except (FileNotFoundError, PermissionError) as exc:
            raise CollectionError(f"cannot run '{args[0] if not spec.shell else spec.command}': {exc.strerror}", permanent=True) from None
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            text = self._decode(output)
            return f"{text}\n[command timed out after {timeout:g}s and was killed]".lstrip("\n")
        text = self._decode(output)
        if process.returncode:
            text = f"{text}\n[command exited with status {process.returncode}]".lstrip("\n")
        return text

    @staticmethod
    def _decode(output: bytes) -> str:
        limit = settings.COMMAND_MAX_OUTPUT_BYTES
        if len(output) > limit:
            cut = len(output) - limit
            return f"[... output capped: first {cut} bytes omitted ...]\n" + output[-limit:].decode("utf-8", "replace")
        return output.decode("utf-8", "replace")
