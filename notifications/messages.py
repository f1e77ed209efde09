"""Messages about a run, rendered from templates/notifications/ (email subject, text, HTML, SMS, webhook JSON)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from notifications.channels import Message
from notifications.policy import Decision
from notifications.templatetags.notifications_text import severity

SMS_MAX_CHARS = 320  # two SMS segments


def run_url(run) -> str:
    """The run's report page, absolute (messages are read outside the app)."""
    return settings.SITE_URL + reverse("runs:run", args=[run.pk])


def humanize(delta: timedelta | None) -> str:
    """A short duration for people: '45 min', '2 h', '1 d 3 h' ('' under a minute)."""
    if delta is None:
        return ""
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min" if minutes else ""


def notification_message(monitor, run, decision: Decision, *, error_streak: int = 0, now: datetime | None = None) -> Message:
    """Render every form of one notification; one identity for all its recipients and retries."""
    now = now or timezone.now()
    context = {
        "monitor": monitor,
        "run": run,
        "event": decision.event,
        "state": decision.state,
        "previous": decision.previous,
        "since": decision.since,
        "duration": humanize(now - decision.since) if decision.since else "",
        "error_streak": error_streak,
        "run_url": run_url(run),
    }
    context["headline"] = " ".join(render_to_string("notifications/headline.txt", context).split())
    identity = str(uuid.uuid4())
    return Message(
        subject=" ".join(render_to_string("notifications/email_subject.txt", context).split())[:250],
        text=render_to_string("notifications/email.txt", context),
        html=render_to_string("notifications/email.html", context),
        short=" ".join(render_to_string("notifications/sms.txt", context).split())[:SMS_MAX_CHARS],
        identity=identity,
        event=decision.event,
        data={
            "type": "notification",
            "event": decision.event,
            "message_id": identity,
            "monitor_id": str(monitor.pk),
            "monitor_name": monitor.name,
            "state": decision.state,
            "severity": severity(decision.state),
            "previous_state": decision.previous,
            "since": decision.since.isoformat() if decision.since else None,
            "headline": context["headline"],
            "summary": run.summary,
            "run_id": str(run.pk),
            "run_url": context["run_url"],
            "timestamp": now.isoformat(),
        },
    )
