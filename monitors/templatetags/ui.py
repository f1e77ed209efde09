"""Template helpers for the pages and the admin: status labels, times, readable reports.

Model text (summaries, reports, recommendations, logs) is never trusted as
HTML: ``report_html`` escapes every piece before it adds its own tags.
"""

from __future__ import annotations

import re

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.html import escape
from django.utils.safestring import mark_safe

from monitors.models import Monitor

register = template.Library()

# Monitor states and run statuses share values (ok, warn, alert, error); a run
# with no status yet is "running", a monitor with no state has no verdict yet.
STATUS_LABELS = {**dict(Monitor.State.choices), "running": "Running"}
# A shape beside the colour, so the status reads without colour vision too.
STATUS_SYMBOLS = {"ok": "✓", "warn": "!", "alert": "✕", "error": "?", "running": "…", "": "–"}


@register.filter
def status_label(status: str) -> str:
    return STATUS_LABELS.get(status or "", status)


@register.filter
def status_symbol(status: str) -> str:
    return STATUS_SYMBOLS.get(status or "", "")


def status_badge(status: str) -> str:
    """The badge HTML for Python callers (the admin), same markup as includes/status_badge.html."""
    return render_to_string("includes/status_badge.html", {"status": status or ""})


@register.filter
def ago(moment) -> str:
    """'3 hours ago', or 'just now' inside the first minute."""
    if not moment:
        return ""
    if (timezone.now() - moment).total_seconds() < 60:
        return "just now"
    return f"{timesince(moment)} ago"


@register.filter
def duration(ms) -> str:
    if ms is None:
        return "–"
    if ms < 1000:
        return f"{ms} ms"
    seconds = ms / 1000
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)} min {int(seconds % 60)} s"


@register.filter
def seconds_human(seconds) -> str:
    """300 -> '5 min', 3600 -> '1 h', 90 -> '90 s'."""
    if not seconds:
        return "–"
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
# "## Heading" (markdown) or "== Heading ==" (what plain-text analyzers write).
_HEADING = re.compile(r"^\s*(?:#{1,6}\s+(.*?)\s*#*|==+\s*(.*?)\s*==+)\s*$")


def _inline(text: str) -> str:
    """Escape, then turn `code` and **bold** into tags (they can only wrap escaped text)."""
    html = escape(text)
    html = re.sub(r"`([^`]+)`", r"<code>\1</code>", html)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", html)


def _block(lines: list[str]) -> str:
    """One block of lines as paragraphs, lists and headings."""
    out, items, kind, para = [], [], "", []

    def flush_list():
        nonlocal items, kind
        if items:
            tag = "ol" if kind == "ol" else "ul"
            out.append(f"<{tag}>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + f"</{tag}>")
        items, kind = [], ""

    def flush_para():
        nonlocal para
        if para:
            out.append("<p>" + "<br>".join(_inline(line) for line in para) + "</p>")
        para = []

    for line in lines:
        heading, bullet, numbered = _HEADING.match(line), _BULLET.match(line), _NUMBERED.match(line)
        if heading:
            flush_list(), flush_para()
            out.append(f"<h4>{_inline(heading.group(1) or heading.group(2))}</h4>")
        elif bullet or numbered:
            flush_para()
            this = "ul" if bullet else "ol"
            if kind and kind != this:
                flush_list()
            kind = this
            items.append((bullet or numbered).group(1))
        elif items and line.startswith(("  ", "\t")):
            items[-1] += " " + line.strip()  # a wrapped list item
        else:
            flush_list()
            para.append(line.strip())
    flush_list(), flush_para()
    return "".join(out)


@register.filter(is_safe=False)
def report_html(text: str) -> str:
    """Plain model text as paragraphs, lists and headings, every character escaped."""
    if not text:
        return ""
    blocks = re.split(r"\n\s*\n", str(text).replace("\r\n", "\n").strip())
    return mark_safe("".join(_block(block.split("\n")) for block in blocks))
