"""The collector family: one verb, ``collect(spec) -> Section``."""

from __future__ import annotations

from dataclasses import dataclass, field

from monitors.schemas import InputSpec


class CollectionError(Exception):
    """An input could not be read; ``permanent`` when retrying cannot help (bad path, disabled)."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass
class Section:
    """What one input produced, before and after its window was applied."""

    label: str
    text: str = ""
    lines: int = 0
    truncated_lines: int = 0
    truncated_chars: int = 0
    error: str = ""
    meta: dict = field(default_factory=dict)

    @property
    def truncated(self) -> bool:
        return bool(self.truncated_lines or self.truncated_chars)

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "lines": self.lines,
            "truncated": self.truncated,
            "truncated_lines": self.truncated_lines,
            "truncated_chars": self.truncated_chars,
            "error": self.error,
            **({"meta": self.meta} if self.meta else {}),
        }


class Collector:
    """Reads one kind of input. Subclasses implement ``read``; errors raise CollectionError."""

    def read(self, spec: InputSpec) -> str:
        raise NotImplementedError


@dataclass
class Collection:
    """Everything read for one run: the sections and the joined ``logs_text``."""

    sections: list[Section]
    logs_text: str
    truncated_lines: int = 0
    truncated_chars: int = 0

    @property
    def failed(self) -> bool:
        """True when no input could be read at all."""
        return bool(self.sections) and all(section.error for section in self.sections)

    def as_dict(self) -> dict:
        return {
            "logs_text": self.logs_text,
            "sections": [section.as_dict() for section in self.sections],
            "truncated_lines": self.truncated_lines,
            "truncated_chars": self.truncated_chars,
        }
