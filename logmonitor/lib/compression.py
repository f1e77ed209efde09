"""Template compression: send the LLM the shape of the logs, not every repeat.

``compress(logs_text, budget_chars=...)`` leaves text that fits the budget
alone. Longer text is compressed section by section (``[LABEL]`` blocks):

- Drain3 mines each section's lines into templates; a template seen at least
  ``FOLD_MIN`` times becomes one row, ``  1,234x <pattern>``, with its newest
  line as an example (``<*>``, ``<NUM>``, ``<IP>``... mark what varies);
- rare lines, the newest ``KEEP_NEWEST`` lines and the collectors' own notes
  (``[command exited with status 1]``, ``[... truncated ...]``) stay verbatim,
  oldest first;
- if that is still over budget, examples go first, then the oldest verbatim
  lines, then the newest lines but the last ``KEEP_NEWEST_MIN`` of each
  section, then the least recently seen templates, then those last lines;
- the output begins with one line saying exactly what was folded and cut.

Deterministic (same input, same output), no network, no files: Drain3 is
configured here and keeps no state between calls.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from django.conf import settings
from drain3.drain import Drain

SECTION_HEADER = re.compile(r"^\[[A-Za-z0-9_.:-]{1,64}\]$")
# Lines the collectors write about the collection itself: never folded or dropped.
ANNOTATION = re.compile(r"^(?:\[(?:\.\.\. |error: |command )|\(no output\)$)")
FOLD_MIN = 3  # below this a template row and its example cost more than the lines themselves
KEEP_NEWEST = 20  # per section: the newest lines say what is happening now
KEEP_NEWEST_MIN = 5  # ...and the last few outlive the templates when the budget is tight
LINE_MAX_CHARS = 400  # one endless line must not eat the budget
MIN_BUDGET_CHARS = 1_000  # the note alone takes about 350

# Applied in order, each to the whole section at once, never across a newline.
# Masks are single tokens so Drain compares the words around them. Each
# pattern starts with a plain character class and checks what precedes it
# afterwards: ``re`` then skips quickly to candidates (a leading ``\b`` or
# lookbehind makes it try every offset, several times slower).
MASKS = (
    (r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?", "TIME"),
    (r"[A-Z][a-z]{2}(?:,? [A-Z][a-z]{2})? +\d{1,2},? \d{2}:\d{2}:\d{2}(?: \d{4})?\b", "TIME"),  # syslog, ctime
    (r"\d(?<!\w\d)\d:\d{2}:\d{2}(?:[.,]\d+)?\b", "TIME"),
    (r"\d(?<![\w.]\d)\d{0,2}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?::\d{1,5})?\b", "IP"),
    (r"0x[0-9a-fA-F]+\b", "HEX"),
    (r"/(?<![\w.:/-]/)[\w.@+-]+(?:/[\w.@+-]+)+/?", "PATH"),
    (r"\d(?<![\w.]\d)\d*(?:\.\d+)?(?![\w.])", "NUM"),
)
COMPILED_MASKS = tuple((re.compile(pattern), f"<{name}>") for pattern, name in MASKS)


@dataclass(frozen=True)
class CompressionStats:
    """What ``compress`` did, for the run record and the benchmarks."""

    compressed: bool
    budget_chars: int
    lines_in: int
    chars_in: int
    chars_out: int
    lines_folded: int = 0  # lines represented by a template row that was kept
    templates: int = 0  # template rows kept
    lines_verbatim: int = 0
    lines_omitted: int = 0  # verbatim lines dropped for the budget
    templates_omitted: int = 0
    lines_in_omitted_templates: int = 0
    examples_omitted: int = 0
    lines_shortened: int = 0
    chars_cut: int = 0  # last resort: the rendered text was still too long

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Compressed:
    text: str
    stats: CompressionStats


def mask(text: str) -> str:
    """Timestamps, addresses, paths and numbers -> ``<TIME>``, ``<IP>``, ``<PATH>``, ``<NUM>``.

    Whole text, one pass per pattern (Drain3's own masker runs every pattern
    on every line, which cost more than the mining).
    """
    for pattern, replacement in COMPILED_MASKS:
        text = pattern.sub(replacement, text)
    return text


def new_drain() -> Drain:
    """A Drain3 miner configured in code: no config file, no persistence, no state between calls."""
    # sim_th 0.5: Drain's Loghub setting for most of these formats; the 0.4 default over-merges.
    return Drain(depth=4, sim_th=0.5, max_children=100, param_str="<*>", parametrize_numeric_tokens=True)


def mine(lines: list[str]) -> tuple[list[int | None], dict[int, str]]:
    """Cluster ``lines``: (cluster id per line, None for the collectors' notes), {cluster id: template}."""
    drain = new_drain()
    masked = mask("\n".join(lines)).split("\n")
    ids = [
        None if ANNOTATION.match(line) else drain.add_log_message(masked_line)[0].cluster_id
        for line, masked_line in zip(lines, masked)
    ]
    return ids, {cluster.cluster_id: cluster.get_template() for cluster in drain.clusters}


def budget_for(provider_name: str) -> int:
    """Characters of logs a provider gets: LLM_BUDGET_CHARS_BY_PROVIDER, else LLM_BUDGET_CHARS."""
    return int(settings.LLM_BUDGET_CHARS_BY_PROVIDER.get(provider_name, settings.LLM_BUDGET_CHARS))


@dataclass
class _Template:
    rank: int  # index of its first line within the section (display tie-break)
    text: str
    count: int
    last_seen: float  # position of its newest line, 0..1 through the section
    example: str | None  # its newest line, unless that line is shown verbatim anyway
    keep: bool = True
    keep_example: bool = True


@dataclass
class _Line:
    position: int
    age: float  # 1.0 = oldest line of its section, 0.0 = newest
    text: str
    pinned: bool
    newest: bool
    last: bool  # one of the KEEP_NEWEST_MIN newest
    keep: bool = True


@dataclass
class _Section:
    header: str | None
    raw: list[str] = field(default_factory=list)
    templates: list[_Template] = field(default_factory=list)
    lines: list[_Line] = field(default_factory=list)


def compress(text: str, *, budget_chars: int) -> Compressed:
    """Fit ``text`` (the joined ``[LABEL]`` sections) into ``budget_chars``; see the module docstring."""
    if budget_chars < MIN_BUDGET_CHARS:
        raise ValueError(f"budget_chars: must be at least {MIN_BUDGET_CHARS:,}, not {budget_chars:,}")
    sections = _split(text)
    lines_in = sum(1 for section in sections for line in section.raw if line.strip())
    if len(text) <= budget_chars:
        return Compressed(text, CompressionStats(False, budget_chars, lines_in, len(text), len(text)))
    sections = [_mine(section) for section in sections]
    shortened = sum(_shorten(section) for section in sections)
    _fit(sections, budget_chars)
    body = _render(sections)
    stats = _stats(sections, budget_chars, lines_in, len(text), shortened)
    note = _note(stats)
    output = f"{note}\n{body}"
    if len(output) > budget_chars:  # pinned lines or headers alone exceed a tiny budget
        room = max(budget_chars - len(note) - 60, 0)
        chars_cut = len(body) - room
        stats = _replace(stats, chars_cut=chars_cut)
        note = _note(stats)
        output = f"{note}\n[... {chars_cut:,} older characters omitted ...]\n{body[len(body) - room:]}"[:budget_chars]
    return Compressed(output, _replace(stats, chars_out=len(output)))


def _replace(stats: CompressionStats, **changes) -> CompressionStats:
    return CompressionStats(**{**stats.as_dict(), **changes})


def _split(text: str) -> list[_Section]:
    """``[LABEL]`` blocks (a header is a lone ``[label]`` line after a blank line or at the top)."""
    sections = [_Section(None)]
    boundary = True
    for line in text.split("\n"):
        if boundary and SECTION_HEADER.match(line):
            sections.append(_Section(line))
        else:
            sections[-1].raw.append(line)
        # Window notices may stand above the first header.
        boundary = not line.strip() or (sections[-1].header is None and bool(ANNOTATION.match(line)))
    return [s for s in sections if s.header is not None or any(line.strip() for line in s.raw)]


def _mine(section: _Section) -> _Section:
    entries = [line for line in section.raw if line.strip()]
    cluster_of, templates = mine(entries)
    total = max(len(entries) - 1, 1)
    members: dict[int, list[int]] = {}
    for position, cluster_id in enumerate(cluster_of):
        if cluster_id is not None:
            members.setdefault(cluster_id, []).append(position)
    folded = {cid for cid, positions in members.items() if len(positions) >= FOLD_MIN}
    newest_from = len(entries) - KEEP_NEWEST
    for position, line in enumerate(entries):
        cluster_id = cluster_of[position]
        pinned = cluster_id is None
        newest = position >= newest_from
        if pinned or newest or cluster_id not in folded:
            last = position >= len(entries) - KEEP_NEWEST_MIN
            section.lines.append(_Line(position, 1 - position / total, line, pinned, newest, last))
    for cluster_id in folded:
        positions = members[cluster_id]
        last = positions[-1]
        example = entries[last] if last < newest_from else None
        section.templates.append(
            _Template(positions[0], templates[cluster_id], len(positions), last / total, example)
        )
    # Most frequent first: the shape of the logs at a glance; first appearance breaks ties.
    section.templates.sort(key=lambda t: (-t.count, t.rank))
    return section


def _clip(text: str) -> str:
    if len(text) <= LINE_MAX_CHARS:
        return text
    return f"{text[:LINE_MAX_CHARS]}... [+{len(text) - LINE_MAX_CHARS:,} chars]"


def _shorten(section: _Section) -> int:
    """Clip over-long lines, templates and examples; return how many lines were clipped."""
    shortened = 0
    for line in section.lines:
        clipped = _clip(line.text)
        shortened += clipped != line.text
        line.text = clipped
    for template in section.templates:
        template.text = _clip(template.text)
        if template.example is not None:
            template.example = _clip(template.example)
    return shortened


def _template_row(template: _Template) -> str:
    return f"  {template.count:,}x {template.text}"


def _example_row(template: _Template) -> str:
    return f"      e.g. {template.example}"


# Room for the note and for each section's "[... N older lines omitted ...]".
NOTE_RESERVE = 450
OMITTED_RESERVE = 60


def _fit(sections: list[_Section], budget: int) -> None:
    """Mark what to drop, cheapest loss first, until the estimated size fits ``budget``."""
    templates = [(si, t) for si, s in enumerate(sections) for t in s.templates]
    lines = [(si, line) for si, s in enumerate(sections) for line in s.lines if not line.pinned]
    size = NOTE_RESERVE + sum(len(s.header or "") + 2 + OMITTED_RESERVE for s in sections)
    size += sum(len(_template_row(t)) + 1 + _example_size(t) for _, t in templates)
    size += sum(len(line.text) + 1 for s in sections for line in s.lines)

    # Each step drops the oldest first: templates by their newest line, lines by
    # their place in their section (so sections lose the same share).
    def oldest_templates(items):
        return [t for _, t in sorted(items, key=lambda item: (item[1].last_seen, item[0], item[1].rank))]

    def oldest_lines(items):
        return [line for _, line in sorted(items, key=lambda item: (-item[1].age, item[0], item[1].position))]

    steps = (
        (oldest_templates([(si, t) for si, t in templates if t.example is not None]), "keep_example", _example_size),
        (oldest_lines([(si, line) for si, line in lines if not line.newest]), "keep", lambda line: len(line.text) + 1),
        (oldest_lines([(si, line) for si, line in lines if line.newest and not line.last]), "keep", lambda line: len(line.text) + 1),
        (oldest_templates(templates), "keep", lambda t: len(_template_row(t)) + 1 + _example_size(t)),
        (oldest_lines([(si, line) for si, line in lines if line.last]), "keep", lambda line: len(line.text) + 1),
    )
    for items, flag, cost in steps:
        for item in items:
            if size <= budget:
                return
            size -= cost(item)
            setattr(item, flag, False)


def _example_size(template: _Template) -> int:
    return len(_example_row(template)) + 1 if template.example is not None and template.keep_example else 0


def _render(sections: list[_Section]) -> str:
    blocks = []
    for section in sections:
        rows = [section.header] if section.header else []
        for template in section.templates:
            if template.keep:
                rows.append(_template_row(template))
                if template.example is not None and template.keep_example:
                    rows.append(_example_row(template))
        omitted = sum(1 for line in section.lines if not line.keep)
        if omitted:
            rows.append(f"[... {omitted:,} older lines omitted to fit the budget ...]")
        rows.extend(line.text for line in section.lines if line.keep)
        blocks.append("\n".join(rows))
    return "\n\n".join(blocks)


def _stats(sections: list[_Section], budget: int, lines_in: int, chars_in: int, shortened: int) -> CompressionStats:
    templates = [t for s in sections for t in s.templates]
    lines = [line for s in sections for line in s.lines]
    return CompressionStats(
        compressed=True,
        budget_chars=budget,
        lines_in=lines_in,
        chars_in=chars_in,
        chars_out=0,
        lines_folded=sum(t.count for t in templates if t.keep),
        templates=sum(1 for t in templates if t.keep),
        lines_verbatim=sum(1 for line in lines if line.keep),
        lines_omitted=sum(1 for line in lines if not line.keep),
        templates_omitted=sum(1 for t in templates if not t.keep),
        lines_in_omitted_templates=sum(t.count for t in templates if not t.keep),
        examples_omitted=sum(1 for t in templates if t.keep and t.example is not None and not t.keep_example),
        lines_shortened=shortened,
    )


def _note(stats: CompressionStats) -> str:
    """The first line of the output: exactly what was folded and what was cut."""
    cut = []
    if stats.lines_omitted:
        cut.append(f"{stats.lines_omitted:,} older lines")
    if stats.templates_omitted:
        cut.append(f"{stats.templates_omitted:,} least recent templates ({stats.lines_in_omitted_templates:,} lines)")
    if stats.examples_omitted:
        cut.append(f"examples of {stats.examples_omitted:,} templates")
    if stats.chars_cut:
        cut.append(f"{stats.chars_cut:,} older characters")
    parts = [
        f"compressed to fit {stats.budget_chars:,} characters: {stats.lines_in:,} lines in",
        f"{stats.lines_folded:,} repeated lines folded into {stats.templates:,} templates "
        "(listed first in each section as 'COUNTx pattern', <...> = varies, 'e.g.' = newest such line)",
        f"{stats.lines_verbatim:,} rare or newest lines verbatim, oldest first",
        f"omitted: {', '.join(cut)}" if cut else "nothing omitted",
    ]
    if stats.lines_shortened:
        parts.append(f"{stats.lines_shortened:,} long lines shortened")
    return f"[{'; '.join(parts)}]"
