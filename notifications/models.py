"""Who was told, and did it work (Delivery); what people know and when to stay quiet (AlertState, MaintenanceWindow)."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone as django_timezone  # MaintenanceWindow has a field named timezone

from monitors.models import Monitor


class Delivery(models.Model):
    """One attempt to tell someone or something about a run.

    Retries of one logical message share ``message_id`` (the incident id for
    remediation) and count up ``attempt``; ``next_attempt_at`` is set while a
    retry is queued. ``payload`` keeps what was sent so a retry sends the same
    thing; it is internal and never shown.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "SMS"
        WEBHOOK = "webhook", "Webhook"
        REMEDIATION = "remediation", "Remediation"

    class Outcome(models.TextChoices):
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    monitor = models.ForeignKey(Monitor, on_delete=models.CASCADE, related_name="deliveries")
    run = models.ForeignKey("runs.MonitorRun", on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    event = models.CharField(max_length=20, blank=True, help_text="problem, reminder, recovered, blind, back, run, incident, resolved.")
    recipient = models.CharField(max_length=500, help_text="Email address, phone number or endpoint URL.")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    error = models.TextField(blank=True)
    response_code = models.IntegerField(null=True, blank=True)
    attempt = models.PositiveSmallIntegerField(default=1)
    message_id = models.CharField(max_length=100, blank=True, help_text="Stays the same across retries (incident id).")
    next_attempt_at = models.DateTimeField(null=True, blank=True, help_text="When the queued retry is due.")
    payload = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [models.CheckConstraint(condition=Q(attempt__gte=1), name="delivery_attempt_positive")]
        indexes = [
            models.Index(fields=["monitor", "channel", "-created_at"], name="delivery_monitor_channel_idx"),
            models.Index(fields=["message_id"], name="delivery_message_idx"),
        ]

    def __str__(self):
        return f"{self.channel} to {self.recipient}: {self.outcome} (attempt {self.attempt})"


class AlertState(models.Model):
    """What a monitor's people have been told, and the counters that decide what to tell them next.

    ``health`` is the confirmed state (after the anti-flapping thresholds), not
    the last run's raw status (that is ``Monitor.state``). ``notified`` is the
    problem people were last told about ("" when nothing is outstanding).
    ``webhook_secret`` signs webhooks; it is shown once when generated and
    never again (admin, pages and API leave it out).
    """

    monitor = models.OneToOneField(Monitor, on_delete=models.CASCADE, primary_key=True, related_name="alert_state")
    health = models.CharField(max_length=10, blank=True)
    health_since = models.DateTimeField(null=True, blank=True)
    bad_streak = models.PositiveIntegerField(default=0)
    good_streak = models.PositiveIntegerField(default=0)
    error_streak = models.PositiveIntegerField(default=0)
    error_since = models.DateTimeField(null=True, blank=True)
    notified = models.CharField(max_length=10, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    blind_notified = models.BooleanField(default=False)
    muted_pending = models.BooleanField(default=False, help_text="Something was held back by a silence or window.")
    silenced_until = models.DateTimeField(null=True, blank=True)
    silence_reason = models.CharField(max_length=200, blank=True)
    open_incident_id = models.CharField(max_length=100, blank=True, help_text="Last incident sent, for the 'resolved' event.")
    last_run_id = models.BigIntegerField(null=True, blank=True)
    webhook_secret = models.CharField(max_length=100, blank=True, editable=False)
    webhook_secret_created_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.monitor}: {self.health or 'unknown'}"

    @property
    def has_webhook_secret(self) -> bool:
        return bool(self.webhook_secret)

    @property
    def is_silenced(self) -> bool:
        """A silence is on now (``silenced_until`` stays set after it ends; only a future time counts)."""
        return bool(self.silenced_until and self.silenced_until > django_timezone.now())


class MaintenanceWindow(models.Model):
    """A time when nothing is sent for a monitor: once (from..to) or every week (days, start, length)."""

    class Kind(models.TextChoices):
        ONCE = "once", "One-off"
        WEEKLY = "weekly", "Weekly"

    monitor = models.ForeignKey(Monitor, on_delete=models.CASCADE, related_name="maintenance_windows")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ONCE)
    starts_at = models.DateTimeField(null=True, blank=True, help_text="One-off: start.")
    ends_at = models.DateTimeField(null=True, blank=True, help_text="One-off: end.")
    weekdays = models.JSONField(default=list, blank=True, help_text="Weekly: days, 0 = Monday ... 6 = Sunday.")
    start_time = models.TimeField(null=True, blank=True, help_text="Weekly: local start time.")
    duration_minutes = models.PositiveIntegerField(null=True, blank=True, help_text="Weekly: length (may cross midnight).")
    timezone = models.CharField(max_length=60, default=settings.TIME_ZONE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["monitor", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="once", starts_at__isnull=False, ends_at__isnull=False, ends_at__gt=F("starts_at"))
                    | Q(kind="weekly", start_time__isnull=False, duration_minutes__gt=0, duration_minutes__lte=7 * 24 * 60)
                ),
                name="maintenance_window_complete",
            ),
        ]

    def __str__(self):
        return f"{self.monitor}: {self.name}"

    def clean(self):
        errors = {}
        if self.kind == self.Kind.ONCE:
            if not self.starts_at:
                errors["starts_at"] = "This field is required for a one-off window."
            if not self.ends_at:
                errors["ends_at"] = "This field is required for a one-off window."
            elif self.starts_at and self.ends_at <= self.starts_at:
                errors["ends_at"] = "Must be after starts_at."
        else:
            if not self.weekdays or not all(isinstance(d, int) and 0 <= d <= 6 for d in self.weekdays):
                errors["weekdays"] = "Give at least one day, 0 (Monday) to 6 (Sunday)."
            if self.start_time is None:
                errors["start_time"] = "This field is required for a weekly window."
            if not self.duration_minutes or self.duration_minutes > 7 * 24 * 60:
                errors["duration_minutes"] = "Give a length between 1 minute and 7 days."
        try:
            zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            errors["timezone"] = f"Unknown time zone '{self.timezone}'."
        if errors:
            raise ValidationError(errors)

    def is_active(self, now: datetime) -> bool:
        if self.kind == self.Kind.ONCE:
            return self.starts_at <= now < self.ends_at
        local = now.astimezone(zoneinfo.ZoneInfo(self.timezone))
        length = timedelta(minutes=self.duration_minutes)
        # A window that started on an earlier day may still be running (crossing midnight).
        for days_back in range(0, length.days + 2):
            day = local.date() - timedelta(days=days_back)
            if day.weekday() not in self.weekdays:
                continue
            start = datetime.combine(day, self.start_time, tzinfo=local.tzinfo)
            if start <= local < start + length:
                return True
        return False
