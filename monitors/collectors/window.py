"""Windows: keep the newest lines within a line and character budget, and say what was cut.

Two windows apply. An input's own ``max_lines`` / ``max_chars`` cut its
section. The monitor's ``window_config`` (default DEFAULT_WINDOW_MAX_LINES /
DEFAULT_WINDOW_MAX_CHARS) bounds the joined ``logs_text``; it is shared
fairly (max-min) across sections rather than cutting the joined text from
the top, which would silently drop whole early sections: a section smaller
than an equal share keeps everything, and the budget it leaves goes to the
larger ones. Every cut keeps the newest lines and is announced by one marker
line at the top of its section.
"""

from __future__ import annotations

from django.conf import settings

from monitors.collectors.base import Collection, Section
from monitors.schemas import WindowConfig

# Room kept per truncated section for its marker line when sharing a character budget.
MARKER_RESERVE_CHARS = 130


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
        mid_line = kept[cut_chars - 1] != "\n"
        kept = kept[cut_chars:]
        # Do not start in the middle of a line (unless the whole budget is one line's tail).
        newline = kept.find("\n") if mid_line else -1
        if 0 <= newline < len(kept) - 1:
            cut_chars += newline + 1
            kept = kept[newline + 1 :]
    return kept, cut_lines, cut_chars


def apply_window(section: Section, *, max_lines: int | None, max_chars: int | None) -> Section:
    """Cut ``section`` to a window in place, adding what was cut to its counts."""
    text, cut_lines, cut_chars = truncate(section.text, max_lines=max_lines, max_chars=max_chars)
    section.text = text
    section.lines = len(text.splitlines())
    section.truncated_lines += cut_lines
    section.truncated_chars += cut_chars
    return section


def fair_shares(sizes: list[int], budget: int) -> list[int]:
    """Split ``budget`` max-min fairly: small sizes get all they need, the rest share equally."""
    shares = [0] * len(sizes)
    remaining = max(budget, 0)
    for position, index in enumerate(sorted(range(len(sizes)), key=sizes.__getitem__)):
        shares[index] = min(sizes[index], remaining // (len(sizes) - position))
        remaining -= shares[index]
    return shares


def _fit(sections: list[Section], budget: int, *, size, fixed, marker: int, cut) -> None:
    """Cut ``sections`` so their sizes plus rendering overhead fit ``budget``, shared fairly.

    ``fixed(section, last)`` is what a section costs besides its body and marker;
    ``marker`` what a marker costs. A section cut now gains a marker, which
    shrinks the budget, so shares are recomputed until no new section is cut.
    """
    last = len(sections) - 1
    room = budget - sum(fixed(s, i == last) for i, s in enumerate(sections))
    marked = {i for i, s in enumerate(sections) if s.truncated}
    while True:
        shares = fair_shares([size(s) for s in sections], room - marker * len(marked))
        newly = {i for i, s in enumerate(sections) if size(s) > shares[i]} - marked
        if not newly:
            break
        marked |= newly
    for section, share in zip(sections, shares):
        if size(section) > share:
            cut(section, share)


def _fixed_lines(section: Section, last: bool) -> int:
    """Header, blank separator, notes, and an error or "(no output)" line."""
    return 1 + (0 if last else 1) + len(section.notes) + (1 if section.error or not section.text else 0)


def _fixed_chars(section: Section, last: bool) -> int:
    error = len(section.error) + 10 if section.error else (len(section.placeholder) + 1 if not section.text else 0)
    notes = sum(len(note) + 9 for note in section.notes)
    return len(section.label) + 3 + (0 if last else 2) + error + notes


def join_sections(sections: list[Section], window: WindowConfig) -> Collection:
    """Join sections as ``[LABEL]`` blocks within the monitor's window, sharing it fairly."""
    max_lines = window.max_lines or settings.DEFAULT_WINDOW_MAX_LINES
    max_chars = window.max_chars or settings.DEFAULT_WINDOW_MAX_CHARS
    before = [(s.truncated_lines, s.truncated_chars) for s in sections]

    _fit(
        sections, max_lines, size=lambda s: s.lines, fixed=_fixed_lines, marker=1,
        cut=lambda s, share: apply_window(s, max_lines=share, max_chars=None),
    )
    _fit(
        sections, max_chars, size=lambda s: len(s.text), fixed=_fixed_chars, marker=MARKER_RESERVE_CHARS,
        cut=lambda s, share: apply_window(s, max_lines=None, max_chars=share),
    )

    cut_lines = sum(s.truncated_lines - lines for s, (lines, _) in zip(sections, before))
    cut_chars = sum(s.truncated_chars - chars for s, (_, chars) in zip(sections, before))
    text = "\n\n".join(section.render() for section in sections)
    # Headers alone can exceed a tiny window (many sections); the hard cap still holds.
    hard_lines = hard_chars = 0
    if len(text.splitlines()) > max_lines or len(text) > max_chars:
        notice = "[... truncated: the window is too small for every section; older text omitted ...]"
        room = max_chars - len(notice) - 1
        if max_lines > 1 and room > 0:
            text, hard_lines, hard_chars = truncate(text, max_lines=max_lines - 1, max_chars=room)
            text = f"{notice}\n{text}"
        else:
            text, hard_lines, hard_chars = truncate(text, max_lines=max_lines, max_chars=max_chars)
    return Collection(
        sections=sections, logs_text=text, truncated_lines=cut_lines + hard_lines, truncated_chars=cut_chars + hard_chars
    )


def split_sections(logs_text: str, labels: list[str]) -> list[tuple[str, str]]:
    """Cut the joined ``[LABEL]`` text back into (label, text) pairs, in order.

    Text before the first known header (a window marker, or the tail of a
    section whose header was cut) is kept under an empty label.
    """
    if not logs_text:
        return []
    known = {f"[{label}]" for label in labels}
    pairs: list[tuple[str, list[str]]] = [("", [])]
    for line in logs_text.split("\n"):
        if line in known:
            pairs.append((line[1:-1], []))
        else:
            pairs[-1][1].append(line)
    return [(label, "\n".join(lines).strip("\n")) for label, lines in pairs if label or "".join(lines).strip()]
