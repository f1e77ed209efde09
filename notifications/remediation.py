"""The incident handed to the remediation agent (architecture.md, "Contracts"), and its opt-in ``resolved`` event."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.utils import timezone

from monitors.schemas import RemediationConfig
from notifications.channels import Message

TRUNCATION_MARKER = "\n[... logs truncated for the incident ...]"


def logs_excerpt(logs_text: str, limit: int) -> str:
    """At most ``limit`` characters of the logs, the marker included when something was cut."""
    if len(logs_text) <= limit:
        return logs_text
    if limit <= len(TRUNCATION_MARKER):
        return logs_text[:limit]
    return logs_text[: limit - len(TRUNCATION_MARKER)] + TRUNCATION_MARKER


def incident_payload(monitor, run, config: RemediationConfig, *, incident_id: str) -> dict:
    """Exactly the documented fields, nothing more."""
    return {
        "incident_id": incident_id,
        "monitor_id": str(monitor.pk),
        "monitor_name": monitor.name,
        "severity": run.verdict_status,
        "summary": run.summary,
        "report": run.report,
        "recommendations": list(run.recommendations or []),
        "logs_excerpt": logs_excerpt(run.logs_text or "", settings.INCIDENT_LOGS_EXCERPT_CHARS),
        "timestamp": (run.finished_at or timezone.now()).isoformat(),
        "remediation_metadata": {
            "max_auto_actions": config.max_auto_actions,
            "require_human_approval": config.require_human_approval,
        },
    }


def incident_message(monitor, run, config: RemediationConfig) -> Message:
    incident_id = str(uuid.uuid4())
    body = incident_payload(monitor, run, config, incident_id=incident_id)
    return Message(identity=incident_id, event="incident", short=f"incident {incident_id}: {run.summary[:100]}", data=body)


def resolved_message(monitor, run, *, incident_id: str) -> Message:
    """The incident is over: the monitor judged its logs healthy again."""
    body = {
        "event": "resolved",
        "incident_id": incident_id,
        "monitor_id": str(monitor.pk),
        "monitor_name": monitor.name,
        "severity": run.llm_status,
        "summary": run.summary,
        "timestamp": (run.finished_at or timezone.now()).isoformat(),
    }
    # Deterministic id: a receiver that sees it twice knows it is the same event.
    return Message(identity=f"{incident_id}.resolved", event="resolved", short=f"incident {incident_id} resolved", data=body)
