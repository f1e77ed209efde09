"""Should we notify / remediate for this run? Pure decisions over a monitor's AlertState.

Identity is the monitor and its *state*, never the LLM's wording (which
changes on every call). Two modes:

- ``every_run`` (the original behaviour): every run whose status is at the
  ``notify_on`` level is sent (``all`` includes ok and error runs).
- ``state_change``: only when the confirmed state crosses the ``notify_on``
  level or changes within it (problem: escalation or de-escalation),
  when it drops back below it (recovered), and reminders every
  ``renotify_interval_minutes`` while the problem lasts.

Both modes share the anti-flapping thresholds (``alert_after_runs``,
``recover_after_runs``), "blind" after ``notify_on_errors_after``
consecutive error runs, and mutes (silence, maintenance windows): a held
back message is recorded as skipped (the first of each mute), and when the mute ends with the
monitor still bad, one message goes out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from monitors.schemas import NotificationConfig, RemediationConfig

BAD = ("warn", "alert")
LEVELS = {
    "alert_only": {"alert"},
    "warn_and_alert": {"warn", "alert"},
    "all": {"ok", "warn", "alert", "error"},
}


@dataclass
class Decision:
    """What to send for one run. ``event`` empty: nothing. ``muted``: the reason it is held back."""

    event: str = ""
    state: str = ""
    previous: str = ""
    since: datetime | None = None
    muted: str = ""


def advance(state, config: NotificationConfig, status: str, now: datetime, *, muted: str = "") -> Decision:
    """Apply one finished run's ``status`` to ``state`` (an AlertState, changed in place) and decide."""
    was_blind = state.blind_notified
    if status == "error":
        if not state.error_streak:
            state.error_since = now
        state.error_streak += 1
        decision = _on_error(state, config, now)
    else:
        state.error_streak, state.error_since, state.blind_notified = 0, None, False
        _confirm(state, config, status, now)
        decision = _on_evidence(state, config, status, now)
        if not decision.event and was_blind:
            decision = Decision("back", status, previous="error", since=state.health_since)

    still_bad = bool(_problem(state, config)) or state.blind_notified
    if muted:
        # Record the first held-back message of a mute, not one per run of a long silence.
        already_held = state.muted_pending
        if decision.event or still_bad:
            state.muted_pending = True
        return Decision() if already_held else replace(decision, muted=muted)
    if state.muted_pending and not decision.event and still_bad:
        # The silence or window is over and the problem is still there: say so once.
        decision = _reminder(state, config)
    state.muted_pending = False
    if decision.event:
        _record_sent(state, decision, now)
    return decision


def _on_error(state, config: NotificationConfig, now: datetime) -> Decision:
    blind_after = config.notify_on_errors_after
    if blind_after and state.error_streak >= blind_after:
        if not state.blind_notified:
            return Decision("blind", "error", previous=state.health, since=state.error_since)
        if _reminder_due(state, config, now):
            return Decision("reminder", "error", since=state.error_since)
    if config.mode == "every_run" and "error" in LEVELS[config.notify_on]:
        return Decision("run", "error", since=state.error_since)
    return Decision()


def _confirm(state, config: NotificationConfig, status: str, now: datetime) -> None:
    """Move the confirmed ``health`` once enough consecutive runs agree (anti-flapping)."""
    new = ""
    if status in BAD:
        state.bad_streak, state.good_streak = state.bad_streak + 1, 0
        if state.bad_streak >= config.alert_after_runs:
            new = status
    else:
        state.good_streak, state.bad_streak = state.good_streak + 1, 0
        if state.good_streak >= config.recover_after_runs or state.health in ("", "ok"):
            new = "ok"
    if new and new != state.health:
        state.health, state.health_since = new, now


def _on_evidence(state, config: NotificationConfig, status: str, now: datetime) -> Decision:
    if config.mode == "every_run":
        confirmed = status not in BAD or state.health == status
        if status in LEVELS[config.notify_on] and confirmed:
            return Decision("run", status, since=state.health_since)
        return Decision()
    target = _problem(state, config)
    if target != state.notified:
        event = "problem" if target else "recovered"
        return Decision(event, state.health, previous=state.notified, since=state.health_since)
    if target and _reminder_due(state, config, now):
        return _reminder(state, config)
    return Decision()


def _problem(state, config: NotificationConfig) -> str:
    """The confirmed state when it is at the ``notify_on`` level, else ""."""
    return state.health if state.health in BAD and state.health in LEVELS[config.notify_on] else ""


def _reminder(state, config: NotificationConfig) -> Decision:
    if state.blind_notified:
        return Decision("reminder", "error", since=state.error_since)
    return Decision("reminder", _problem(state, config) or state.health, since=state.health_since)


def _reminder_due(state, config: NotificationConfig, now: datetime) -> bool:
    interval = config.renotify_interval_minutes
    return bool(interval and state.notified_at and now - state.notified_at >= timedelta(minutes=interval))


def _record_sent(state, decision: Decision, now: datetime) -> None:
    state.notified_at = now
    if decision.event in ("problem", "recovered"):
        state.notified = decision.state if decision.event == "problem" else ""
    elif decision.event == "blind":
        state.blind_notified = True


def should_remediate(config: RemediationConfig, llm_status: str) -> bool:
    """The contract: enabled, an endpoint, and the LLM status (raised to the severity floor, if any) in ``trigger_on``."""
    return bool(config.enabled and config.remediation_endpoint and llm_status and llm_status in config.trigger_on)


def should_resolve(config: RemediationConfig, *, open_incident_id: str, status: str) -> bool:
    """Opt-in ``resolved`` event: an incident was sent and the monitor is ok again."""
    return bool(config.enabled and config.remediation_endpoint and config.send_resolved and open_incident_id and status == "ok")
