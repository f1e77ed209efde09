"""Windows: keep the newest lines within a line and character budget, and say what was cut."""

from __future__ import annotations

from django.conf import settings

from monitors.collectors.base import Collection, Section
from monitors.schemas import WindowConfig


def truncate(text: str, *, max_lines: int | None, max_chars: int | None) -> tuple[str, int, int]:
    """Keep the newest lines of ``text``; return (kept, lines cut, chars cut)."""
    lines = text.splitlines()
    cut_lines = 0
    if max_lines is not None and len(lines) > max_lines:
        cut_lines = len(lines) - max_lines
        lines = lines[cut_lines:]
    kept = "\n".join(lines)
    cut_chars = 0
    if max_chars is not None and len(kept) > max_chars:
        cut_chars = len(kept) - max_chars
        kept = kept[cut_chars:]
        # Do not start in the middle of a line.
        newline = kept.find("\n")
        if 0 <= newline < len(kept) - 1:
            cut_chars += newline + 1
            kept = kept[newline + 1 :]
    return kept, cut_lines, cut_chars


def marker(cut_lines: int, cut_chars: int) -> str:
    parts = []
    if cut_lines:
        parts.append(f"{cut_lines} older lines")
    if cut_chars:
        parts.append(f"{cut_chars} older characters")
    return f"[... truncated: {' and '.join(parts)} omitted ...]"


def apply_window(section: Section, *, max_lines: int | None, max_chars: int | None) -> Section:
    """Apply an input's own window to its section, prefixing a marker when something was cut."""
    text, cut_lines, cut_chars = truncate(section.text, max_lines=max_lines, max_chars=max_chars)
    section.lines = len(text.splitlines())
    section.truncated_lines += cut_lines
    section.truncated_chars += cut_chars
    section.text = f"{marker(cut_lines, cut_chars)}\n{text}" if (cut_lines or cut_chars) else text
    return section


def render_section(section: Section) -> str:
    body = section.text.rstrip("\n")
    if section.error:
        body = f"{body}\n[error: {section.error}]" if body else f"[error: {section.error}]"
    return f"[{section.label}]\n{body}"


def join_sections(sections: list[Section], window: WindowConfig) -> Collection:
    """Join sections as ``[LABEL]`` blocks, then cut the whole to the monitor's window."""
    joined = "\n\n".join(render_section(section) for section in sections)
    max_lines = window.max_lines or settings.DEFAULT_WINDOW_MAX_LINES
    max_chars = window.max_chars or settings.DEFAULT_WINDOW_MAX_CHARS
    text, cut_lines, cut_chars = truncate(joined, max_lines=max_lines, max_chars=max_chars)
    if cut_lines or cut_chars:
        text = f"{marker(cut_lines, cut_chars)}\n{text}"
    return Collection(sections=sections, logs_text=text, truncated_lines=cut_lines, truncated_chars=cut_chars)
