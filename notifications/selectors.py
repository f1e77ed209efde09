"""Reads for notifications: mutes, rate caps, secrets."""

from __future__ import annotations

from datetime import datetime, timedelta

from notifications.models import AlertState, Delivery, MaintenanceWindow


def mute_reason(monitor, now: datetime) -> str:
    """Why nothing may be sent for ``monitor`` now ("" when nothing stops it): a silence or a maintenance window."""
    state = AlertState.objects.filter(monitor=monitor).only("silenced_until", "silence_reason").first()
    if state and state.silenced_until and state.silenced_until > now:
        reason = f" ({state.silence_reason})" if state.silence_reason else ""
        return f"silenced until {state.silenced_until.isoformat(timespec='minutes')}{reason}"
    for window in MaintenanceWindow.objects.filter(monitor=monitor):
        if window.is_active(now):
            return f"maintenance window '{window.name}'"
    return ""


def remediations_in_last_hour(monitor, now: datetime) -> int:
    """Incidents handed to the remediation agent in the hour before ``now`` (first attempts, not retries or skips)."""
    return Delivery.objects.filter(
        monitor=monitor, channel=Delivery.Channel.REMEDIATION, event="incident", attempt=1, created_at__gte=now - timedelta(hours=1)
    ).exclude(outcome=Delivery.Outcome.SKIPPED).count()


def alert_state_of(monitor) -> AlertState | None:
    """The monitor's alert state for display (silence, secret age), without the secret; None before its first run."""
    return AlertState.objects.filter(monitor=monitor).defer("webhook_secret").first()


def webhook_secret_for(monitor) -> str:
    """The secret that signs this monitor's webhooks ("" when none was generated: sent unsigned)."""
    return AlertState.objects.filter(monitor=monitor).values_list("webhook_secret", flat=True).first() or ""
