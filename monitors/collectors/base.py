"""The collector family: one verb, ``read(spec) -> Section``."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from monitors.schemas import InputSpec


class CollectionError(Exception):
    """An input could not be read; ``permanent`` when retrying cannot help (bad path, disabled)."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass
class Section:
    """What one input produced.

    ``text`` is the kept body only; what was cut is counted, not kept, so an
    input window and the monitor's window can both cut and one marker
    (``marker()``) still tells the whole story. ``meta`` holds collector
    facts (a command's ``exit_code`` and ``timed_out``, a file's offsets).

    Incremental reads (``Collector.read_new``) also fill ``cursor``, where
    the next read should resume (stored only once the LLM has answered),
    ``changed`` (False when nothing arrived since the last cursor) and
    ``notes`` (a rotation or truncation, shown to the LLM and people).
    """

    label: str
    text: str = ""
    lines: int = 0
    truncated_lines: int = 0
    truncated_chars: int = 0
    omitted_bytes: int = 0  # dropped before decoding: a command's output cap, a file's read limit
    omitted_reason: str = "size cap"
    error: str = ""
    meta: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    cursor: dict | None = None
    changed: bool = True

    def __post_init__(self):
        if self.text and not self.lines:
            self.lines = len(self.text.splitlines())

    @property
    def truncated(self) -> bool:
        return bool(self.truncated_lines or self.truncated_chars or self.omitted_bytes)

    def marker(self) -> str:
        """One line saying what was cut from the top of this section, or ''."""
        parts = []
        if self.omitted_bytes:
            parts.append(f"{self.omitted_bytes} older bytes ({self.omitted_reason})")
        if self.truncated_lines:
            parts.append(f"{self.truncated_lines} older lines")
        if self.truncated_chars:
            parts.append(f"{self.truncated_chars} older characters")
        return f"[... truncated: {' and '.join(parts)} omitted ...]" if parts else ""

    def render(self) -> str:
        """The section as it appears in ``logs_text``: ``[LABEL]``, marker, body, error."""
        lines = [f"[{self.label}]"]
        if marker := self.marker():
            lines.append(marker)
        lines.extend(f"[note: {note}]" for note in self.notes)
        body = self.text.rstrip("\n")
        if body:
            lines.append(body)
        if self.error:
            lines.append(f"[error: {self.error}]")
        elif not body and not marker:
            lines.append(self.placeholder)
        return "\n".join(lines)

    @property
    def placeholder(self) -> str:
        """What an empty section says: an incremental read with nothing new is not "no output"."""
        return "(no new lines since the last run)" if self.cursor is not None and not self.changed else "(no output)"

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "lines": self.lines,
            "truncated": self.truncated,
            "truncated_lines": self.truncated_lines,
            "truncated_chars": self.truncated_chars,
            "omitted_bytes": self.omitted_bytes,
            "error": self.error,
            **({"notes": self.notes} if self.notes else {}),
            **({"meta": self.meta} if self.meta else {}),
        }


class Collector:
    """Reads one kind of input.

    Subclasses implement ``read`` and return a Section with the raw text (no
    window applied) and any ``meta``; a failure that leaves nothing to show
    raises CollectionError, which ``collect_one`` records as the section's error.
    """

    def read(self, spec: InputSpec) -> Section:
        raise NotImplementedError

    def read_new(self, spec: InputSpec, cursor: dict | None) -> Section:
        """Only what arrived since ``cursor`` (None: first read); ``section.cursor`` proposes the next one.

        This default, for inputs with no position to resume from (commands),
        reads everything and proposes a digest of it, so a run can still tell
        "same output as last time" (``changed`` False) from new output.
        """
        section = self.read(spec)
        digest = hashlib.sha256(section.text.encode()).hexdigest()
        section.cursor = {"kind": spec.mode, "digest": digest}
        section.changed = (cursor or {}).get("digest") != digest
        return section


@dataclass
class Collection:
    """Everything read for one run: the sections and the joined ``logs_text``.

    ``truncated_lines`` / ``truncated_chars`` count what the monitor's window
    cut (each section's own counts include it too).
    """

    sections: list[Section]
    logs_text: str
    truncated_lines: int = 0
    truncated_chars: int = 0

    @property
    def failed(self) -> bool:
        """True when no input could be read at all."""
        return bool(self.sections) and all(section.error for section in self.sections)

    @property
    def unchanged(self) -> bool:
        """True when every input was read incrementally, without error, and nothing arrived since its cursor."""
        return bool(self.sections) and all(
            section.cursor is not None and not section.changed and not section.error for section in self.sections
        )

    def as_dict(self) -> dict:
        return {
            "logs_text": self.logs_text,
            "sections": [section.as_dict() for section in self.sections],
            "truncated_lines": self.truncated_lines,
            "truncated_chars": self.truncated_chars,
        }
