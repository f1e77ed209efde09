"""What to watch (Target, LogSource) and how to judge it (Monitor)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from monitors import schemas


class Target(models.Model):
    """A host or service that monitors look at."""

    name = models.CharField(max_length=200, unique=True)
    host = models.CharField(max_length=255, blank=True, help_text="Hostname or address, for people.")
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class LogSource(models.Model):
    """A log a monitor can read besides its inputs: a file's tail or a container's logs."""

    class Driver(models.TextChoices):
        FILE = "file", "File"
        DOCKER = "docker", "Docker container"

    name = models.CharField(max_length=200, unique=True)
    target = models.ForeignKey(Target, on_delete=models.PROTECT, null=True, blank=True, related_name="log_sources")
    driver = models.CharField(max_length=20, choices=Driver.choices, default=Driver.FILE)
    config = models.JSONField(default=dict, blank=True, help_text='file: {"path": ...}; docker: {"container": ...}')
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        try:
            self.config = schemas.log_source_config(self.driver, self.config)
        except schemas.ConfigError as exc:
            raise ValidationError({exc.field: exc.lines}) from None

    def as_input(self) -> schemas.InputSpec:
        """The log source as one more input of a monitor (its own label and window)."""
        config = self.config or {}
        if self.driver == self.Driver.DOCKER:
            return schemas.InputSpec(
                label=self.label, mode="docker", container=config.get("container"),
                docker_host=config.get("docker_host"), max_lines=config.get("max_lines", 200),
            )
        return schemas.InputSpec(label=self.label, mode="file", path=config.get("path"), max_lines=config.get("max_lines", 200))

    @property
    def label(self) -> str:
        return "".join(c if schemas.LABEL.match(c) else "_" for c in self.name)[:64] or "log_source"


class Monitor(models.Model):
    """A prompt, the logs it reads, how often, and who hears about the verdict."""

    class State(models.TextChoices):
        UNKNOWN = "", "Not run yet"
        OK = "ok", "OK"
        WARN = "warn", "Warning"
        ALERT = "alert", "Alert"
        ERROR = "error", "Error"

    name = models.CharField(max_length=200, unique=True)
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="monitors")
    log_source = models.ForeignKey(LogSource, on_delete=models.PROTECT, null=True, blank=True, related_name="monitors")
    interval_seconds = models.PositiveIntegerField(default=300)
    prompt = models.TextField(help_text="What the LLM should look for.")
    inputs = models.JSONField(default=list, blank=True)
    window_config = models.JSONField(default=dict, blank=True)
    notification_config = models.JSONField(default=dict, blank=True)
    remediation_config = models.JSONField(default=dict, blank=True)
    llm_provider = models.CharField(max_length=40, blank=True, help_text="Empty: the LLM_PROVIDER setting.")
    llm_provider_metadata = models.JSONField(default=dict, blank=True)
    redaction_config = models.JSONField(
        default=dict, blank=True, help_text='Secrets redacted before anything leaves the host: {"enabled": true, "extra_patterns": []}.'
    )
    severity_rules = models.JSONField(
        default=list, blank=True,
        help_text='Minimum statuses the logs force: [{"pattern": "...", "min_status": "WARNING", "min_count": 1, "label": ""}].',
    )
    enabled = models.BooleanField(default=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    # Scheduling: the dispatcher claims a slot by moving next_run_at forward
    # with a compare-and-set UPDATE; skipped_slots counts slots that found
    # the previous run still going.
    next_run_at = models.DateTimeField(null=True, blank=True)
    skipped_slots = models.PositiveIntegerField(default=0)

    # Current state, the last finished run's status, and since when.
    state = models.CharField(max_length=10, choices=State.choices, default=State.UNKNOWN, blank=True)
    state_since = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(interval_seconds__gt=0), name="monitor_interval_positive"),
        ]
        indexes = [models.Index(fields=["enabled", "next_run_at"], name="monitor_due_idx")]
        # Command inputs run programs on the host; plain staff may not add or change them.
        permissions = [("manage_command_inputs", "Can create or change command inputs")]

    def __str__(self):
        return self.name

    def clean(self):
        from monitors.services import validate_monitor_fields

        try:
            cleaned = validate_monitor_fields(**{f: getattr(self, f) for f in CONFIG_FIELDS}, prompt=self.prompt)
        except schemas.ConfigError as exc:
            raise ValidationError({exc.field: exc.lines}) from None
        for field, value in cleaned.items():
            setattr(self, field, value)

    # Typed views of the JSON configs; the stored JSON was validated on write.
    @property
    def input_specs(self) -> list[schemas.InputSpec]:
        specs = schemas.parse("inputs", schemas.InputSpec, self.inputs, many=True)
        return specs + ([self.log_source.as_input()] if self.log_source_id else [])

    @property
    def window(self) -> schemas.WindowConfig:
        return schemas.parse("window_config", schemas.WindowConfig, self.window_config)

    @property
    def notification(self) -> schemas.NotificationConfig:
        return schemas.parse("notification_config", schemas.NotificationConfig, self.notification_config)

    @property
    def remediation(self) -> schemas.RemediationConfig:
        return schemas.parse("remediation_config", schemas.RemediationConfig, self.remediation_config)

    @property
    def redaction(self) -> schemas.RedactionConfig:
        return schemas.parse("redaction_config", schemas.RedactionConfig, self.redaction_config)

    @property
    def floor_rules(self) -> list[schemas.FloorRuleSpec]:
        return schemas.parse("severity_rules", schemas.FloorRuleSpec, self.severity_rules, many=True)


class InputCursor(models.Model):
    """Where a monitor's next run resumes reading one input (by label).

    ``position`` belongs to the input's collector: a file's identity (device,
    inode), offset and a fingerprint of the bytes before it; a container's id
    and the engine time of its last entry; a digest of a command's output.
    Written only after the LLM answered a run (``cursors_advance``), so an
    outage re-reads the same lines.
    """

    monitor = models.ForeignKey(Monitor, on_delete=models.CASCADE, related_name="input_cursors")
    label = models.CharField(max_length=64)
    kind = models.CharField(max_length=20, help_text="The input's mode when the cursor was stored: file, docker or command.")
    position = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["monitor", "label"]
        constraints = [models.UniqueConstraint(fields=["monitor", "label"], name="one_cursor_per_monitor_input")]

    def __str__(self):
        return f"{self.monitor} [{self.label}]"


CONFIG_FIELDS = (
    "inputs", "window_config", "notification_config", "remediation_config", "llm_provider", "llm_provider_metadata",
    "redaction_config", "severity_rules",
)
