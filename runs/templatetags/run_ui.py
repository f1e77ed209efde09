"""Template helpers for run pages: the chart of statuses over time."""

from __future__ import annotations

from django import template
from django.urls import reverse

from monitors.templatetags.ui import status_label

register = template.Library()

CHART_WIDTH, CHART_LANE, CHART_LEFT = 640, 22, 70
CHART_LANES = ("ok", "warn", "alert", "error")


@register.inclusion_tag("runs/includes/status_chart.html")
def status_chart(runs: list) -> dict:
    """Runs (oldest first) as marks in one lane per status, one column per run.

    Evenly spaced rather than placed by start time: runs seconds apart
    (run now, retries) would otherwise hide behind each other.
    """
    plot = CHART_WIDTH - CHART_LEFT - 10
    step = plot / max(len(runs), 1)
    width = max(2.0, min(12.0, step - 1))
    marks = []
    for index, run in enumerate(runs):
        lane = CHART_LANES.index(run.status) if run.status in CHART_LANES else 3
        marks.append({
            "x": round(CHART_LEFT + index * step + (step - width) / 2, 1),
            "y": 6 + lane * CHART_LANE,
            "w": round(width, 1),
            "status": run.status,
            "url": reverse("runs:run", args=[run.pk]),
            "title": f"{run.started_at:%Y-%m-%d %H:%M} {status_label(run.status)}: {run.summary[:120]}",
        })
    counts = {lane: sum(1 for run in runs if run.status == lane) for lane in CHART_LANES}
    return {
        "marks": marks,
        "first_at": runs[0].started_at if runs else None,
        "last_at": runs[-1].started_at if runs else None,
        "lanes": [{"status": s, "y": 6 + i * CHART_LANE, "count": counts[s]} for i, s in enumerate(CHART_LANES)],
        "width": CHART_WIDTH,
        "height": 10 + len(CHART_LANES) * CHART_LANE,
        "left": CHART_LEFT,
        "lane_height": CHART_LANE - 6,
        "summary": ", ".join(f"{counts[s]} {status_label(s)}" for s in CHART_LANES),
    }
