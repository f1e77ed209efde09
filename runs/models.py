"""What happened: one MonitorRun per execution of a monitor."""

from django.db import models
from django.db.models import Q

from monitors.collectors.window import split_sections
from monitors.models import Monitor


class MonitorRun(models.Model):
    """One execution of a monitor: what was read, what the LLM said, how it ended.

    ``status`` stays empty while the run is going (``finished_at`` is null);
    at most one run per monitor may be going, enforced by a partial unique
    index. ``lease_expires_at`` lets the reaper fail a run whose worker died.
    """

    class Status(models.TextChoices):
        OK = "ok", "OK"
        WARN = "warn", "Warning"
        ALERT = "alert", "Alert"
        ERROR = "error", "Error"

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "Schedule"
        MANUAL = "manual", "Run now"
        API = "api", "API"
        COMMAND = "command", "Command line"

    monitor = models.ForeignKey(Monitor, on_delete=models.CASCADE, related_name="runs")
    trigger = models.CharField(max_length=20, choices=Trigger.choices, default=Trigger.SCHEDULE)
    status = models.CharField(max_length=10, choices=Status.choices, blank=True, default="")
    llm_status = models.CharField(max_length=20, blank=True, help_text="The raw status the LLM answered.")
    summary = models.TextField(blank=True)
    report = models.TextField(blank=True)
    recommendations = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    llm_skipped = models.BooleanField(
        default=False, help_text="Nothing new arrived: the LLM was not called and the previous verdict's status was kept."
    )

    logs_text = models.TextField(blank=True)
    sections = models.JSONField(default=list, blank=True, help_text="Per input: label, lines, truncation, error.")

    llm_provider = models.CharField(max_length=40, blank=True)
    llm_model = models.CharField(max_length=200, blank=True)
    llm_request = models.TextField(blank=True)
    llm_response = models.TextField(blank=True)
    prompt_tokens = models.PositiveIntegerField(null=True, blank=True)
    completion_tokens = models.PositiveIntegerField(null=True, blank=True)
    cost_usd = models.DecimalField(
        max_digits=12, decimal_places=6, null=True, blank=True, help_text="Estimated from LLM_PRICES; empty when the model has no price."
    )

    # What the LLM was given (runs/digest.py): secrets redacted, the floor the logs force, how the text was compressed.
    redactions = models.JSONField(default=dict, blank=True, help_text="Secrets replaced before storage and sending, by kind.")
    compression = models.JSONField(default=dict, blank=True, help_text="How the logs were folded to fit the provider's budget.")
    floor = models.JSONField(default=dict, blank=True, help_text="The severity floor: its status and the rules that fired, with sample lines.")
    floor_won = models.BooleanField(default=False, help_text="The floor raised the LLM's status (status is the floor's, llm_status the LLM's).")

    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["monitor"], condition=Q(finished_at__isnull=True), name="one_running_run_per_monitor"
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | ~Q(status=""), name="finished_run_has_status"
            ),
        ]
        indexes = [
            models.Index(fields=["monitor", "-started_at"], name="run_monitor_recent_idx"),
            models.Index(fields=["lease_expires_at"], condition=Q(finished_at__isnull=True), name="run_lease_idx"),
        ]

    def __str__(self):
        return f"{self.monitor} #{self.pk} {self.status or 'running'}"

    @property
    def is_running(self) -> bool:
        return self.finished_at is None

    @property
    def display_status(self) -> str:
        """The status for people: ``running`` while the run has not finished."""
        return "running" if self.is_running else self.status

    def log_sections(self) -> tuple[str, list[dict]]:
        """The stored logs cut back into their sections: (text before the first header, sections with ``text``)."""
        sections = [dict(section) for section in self.sections or []]
        texts = dict(split_sections(self.logs_text, [section.get("label", "") for section in sections]))
        for section in sections:
            section["text"] = texts.pop(section.get("label", ""), "")
        return texts.get("", ""), sections

    @property
    def verdict_status(self) -> str:
        """The LLM status after the severity floor (HEALTHY/WARNING/CRITICAL): what the run's ``status`` says, in the LLM's words."""
        if self.floor_won and self.floor.get("status"):
            return self.floor["status"]
        return self.llm_status

    @property
    def total_tokens(self) -> int | None:
        if self.prompt_tokens is None and self.completion_tokens is None:
            return None
        return (self.prompt_tokens or 0) + (self.completion_tokens or 0)


class DispatcherHeartbeat(models.Model):
    """When a dispatcher last ticked and what it did, one row per dispatcher.

    Kept in the database (not the cache, which may evict it) so /healthz on
    any web host sees every dispatcher on every host.
    """

    name = models.CharField(max_length=200, unique=True, help_text="kind@host, e.g. loop@web-1 or schedule@worker-2.")
    last_tick_at = models.DateTimeField()
    last_enqueued = models.PositiveIntegerField(default=0)
    last_skipped = models.PositiveIntegerField(default=0)
    last_reaped = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-last_tick_at"]

    def __str__(self):
        return f"{self.name} @ {self.last_tick_at:%Y-%m-%d %H:%M:%S}"
