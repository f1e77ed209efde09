"""Tell the remediation agent and people about a finished run; writes for silences, windows and secrets.

``runs.pipeline.run_monitor`` calls ``tell(monitor, run)``: remediation
first, then people. Neither raises for a delivery problem and neither
changes the run: every attempt (or decision to hold one back) is a Delivery.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from notifications import policy, remediation, selectors
from notifications.channels import Message, deliver, record_skipped
from notifications.messages import notification_message
from notifications.models import AlertState, Delivery, MaintenanceWindow
from notifications.signing import new_secret

logger = logging.getLogger(__name__)

# The longest silence the page and the API accept: a forgotten one must not mute a monitor for ever.
SILENCE_MAX = timedelta(days=30)
SILENCE_MAX_MINUTES = int(SILENCE_MAX.total_seconds() // 60)


def validate_silence_until(until: datetime) -> None:
    """A silence the page or the API asks for ends in the future, at most SILENCE_MAX from now (field validator)."""
    now = timezone.now()
    if until <= now:
        raise ValidationError("Must be in the future.")
    if until > now + SILENCE_MAX:
        raise ValidationError(f"Must be at most {SILENCE_MAX.days} days from now.")


def tell(monitor, run) -> list[Delivery]:
    """Hand the run to the remediation agent, then to people; a silence or window (read once) holds both back."""
    now = timezone.now()
    muted = selectors.mute_reason(monitor, now)
    return remediate(monitor, run, now=now, muted=muted) + notify(monitor, run, now=now, muted=muted)


def remediate(monitor, run, *, now: datetime, muted: str) -> list[Delivery]:
    """POST an incident when the monitor's remediation rules say so (or the opt-in ``resolved`` event)."""
    config = monitor.remediation
    if not (config.enabled and config.remediation_endpoint):
        return []
    endpoint = config.remediation_endpoint
    state = _alert_state(monitor)
    # The LLM's status after the severity floor: an OOM kill the LLM was talked out of still remediates.
    if policy.should_remediate(config, run.verdict_status):
        message = remediation.incident_message(monitor, run, config)
        held_back = muted
        sent = selectors.remediations_in_last_hour(monitor, now)
        if not held_back and sent >= config.max_per_hour:
            held_back = f"rate cap: {sent} incidents in the last hour (max_per_hour {config.max_per_hour})"
        if held_back:
            return [record_skipped("remediation", endpoint, message, monitor=monitor, run=run, reason=held_back)]
        AlertState.objects.filter(pk=state.pk).update(open_incident_id=message.identity)
        return [deliver("remediation", endpoint, message, monitor=monitor, run=run)]
    if policy.should_resolve(config, open_incident_id=state.open_incident_id, status=run.status):
        if muted:
            return []  # keep the incident open; resolve after the mute
        message = remediation.resolved_message(monitor, run, incident_id=state.open_incident_id)
        AlertState.objects.filter(pk=state.pk).update(open_incident_id="")
        return [deliver("remediation", endpoint, message, monitor=monitor, run=run)]
    return []


def notify(monitor, run, *, now: datetime, muted: str) -> list[Delivery]:
    """Email, text and webhook the monitor's recipients when its notification policy says so."""
    config = monitor.notification
    with transaction.atomic():
        _alert_state(monitor)
        state = AlertState.objects.select_for_update().get(pk=monitor.pk)
        if state.last_run_id == run.pk:
            return []  # this run was already counted
        decision = policy.advance(state, config, run.status, now, muted=muted)
        state.last_run_id = run.pk
        state.save()
    recipients = [
        *(("email", address) for address in config.email_recipients),
        *(("sms", number) for number in config.sms_recipients),
        *(("webhook", url) for url in config.webhook_urls),
    ]
    if not decision.event or not recipients:
        return []
    message = notification_message(monitor, run, decision, error_streak=state.error_streak, now=now)
    if decision.muted:
        return [record_skipped(kind, to, message, monitor=monitor, run=run, reason=decision.muted) for kind, to in recipients]
    return [deliver(kind, to, message, monitor=monitor, run=run) for kind, to in recipients]


def _alert_state(monitor) -> AlertState:
    return AlertState.objects.get_or_create(monitor=monitor)[0]


def webhook_secret_rotate(monitor) -> str:
    """Generate a new signing secret for the monitor's webhooks and return it: the only time it is shown."""
    secret = new_secret()
    _alert_state(monitor)
    AlertState.objects.filter(pk=monitor.pk).update(webhook_secret=secret, webhook_secret_created_at=timezone.now())
    logger.info("webhook secret rotated for monitor %s", monitor.pk)
    return secret


def monitor_silence(monitor, *, until: datetime | None, reason: str = "") -> AlertState:
    """Send nothing for ``monitor`` until ``until``; if it is still bad then, one message goes out."""
    state = _alert_state(monitor)
    state.silenced_until, state.silence_reason = until, reason[:200]
    state.save(update_fields=["silenced_until", "silence_reason", "updated_at"])
    return state


def monitor_unsilence(monitor) -> AlertState:
    """End a silence now; a problem still going is told at the next run."""
    return monitor_silence(monitor, until=None, reason="")


def maintenance_window_create(*, monitor, name: str, kind: str = MaintenanceWindow.Kind.ONCE, **fields) -> MaintenanceWindow:
    """A one-off (starts_at, ends_at) or weekly (weekdays, start_time, duration_minutes, timezone) quiet time."""
    window = MaintenanceWindow(monitor=monitor, name=name, kind=kind, **fields)
    window.full_clean()
    window.save()
    return window


def delivery_retry(delivery_id: int) -> Delivery | None:
    """Send again what a transiently failed attempt sent (same identity), as attempt n+1.

    Claims the failed attempt by clearing ``next_attempt_at`` with a
    compare-and-set, so two workers running the same retry send it once.
    """
    failed = Delivery.objects.select_related("monitor", "run").filter(pk=delivery_id).first()
    if failed is None or not Delivery.objects.filter(pk=delivery_id, next_attempt_at__isnull=False).update(next_attempt_at=None):
        return None
    message = Message.from_payload(failed.payload)
    Delivery.objects.filter(pk=delivery_id).update(payload={})
    return deliver(failed.channel, failed.recipient, message, monitor=failed.monitor, run=failed.run, attempt=failed.attempt + 1)
