"""API shapes of targets, log sources and monitors.

Nested configs are validated by the same schemas as the admin (monitors.schemas,
through monitors.services.validate_monitor_fields), so a bad field gets the
same message everywhere, nested like DRF's errors.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from monitors import schemas, services
from monitors.models import CONFIG_FIELDS, LogSource, Monitor, Target

MAX_INTERVAL_SECONDS = 2_147_483_647  # the column's range; larger values would fail in the database


class ConfigField(serializers.JSONField):
    """A JSON config described in the API schema by its pydantic ``schema``; validated by the serializer."""

    def __init__(self, *, schema: Any = None, **kwargs):
        self.schema = schema
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        # PostgreSQL's jsonb cannot store NUL, so refuse it here with a message
        # rather than fail in the database.
        if _has_nul(data):
            raise serializers.ValidationError("Null characters are not allowed.")
        return super().to_internal_value(data)


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _config_error(exc: schemas.ConfigError) -> serializers.ValidationError:
    return serializers.ValidationError({exc.field: exc.errors})


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["id", "name", "host", "description", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class LogSourceSerializer(serializers.ModelSerializer):
    target_id = serializers.PrimaryKeyRelatedField(
        source="target", queryset=Target.objects.all(), allow_null=True, required=False, default=None
    )
    config = ConfigField(
        schema=schemas.FileSourceConfig | schemas.DockerSourceConfig,
        help_text='file: {"path": "/var/log/app.log", "max_lines": 200}; docker: {"container": "web", "max_lines": 200}.',
    )

    class Meta:
        model = LogSource
        fields = ["id", "name", "target_id", "driver", "config", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs):
        driver = attrs.get("driver", getattr(self.instance, "driver", LogSource.Driver.FILE))
        config = attrs.get("config", getattr(self.instance, "config", {}))
        try:
            attrs["config"] = schemas.log_source_config(driver, config)
        except schemas.ConfigError as exc:
            raise _config_error(exc) from None
        return attrs


class MonitorSerializer(serializers.ModelSerializer):
    target_id = serializers.PrimaryKeyRelatedField(source="target", queryset=Target.objects.all())
    log_source_id = serializers.PrimaryKeyRelatedField(
        source="log_source", queryset=LogSource.objects.all(), allow_null=True, required=False, default=None
    )
    inputs = ConfigField(schema=list[schemas.InputSpec], required=False, help_text="What to read, each in its own [LABEL] section.")
    window_config = ConfigField(schema=schemas.WindowConfig, required=False, help_text="Caps on the joined text sent to the LLM.")
    notification_config = ConfigField(schema=schemas.NotificationConfig, required=False, help_text="Who is told, and on which statuses.")
    remediation_config = ConfigField(schema=schemas.RemediationConfig, required=False, help_text="Where CRITICAL incidents are POSTed.")
    llm_provider_metadata = ConfigField(
        required=False, help_text="Provider options (e.g. model, temperature), validated by the chosen provider's schema."
    )
    redaction_config = ConfigField(
        schema=schemas.RedactionConfig, required=False,
        help_text="Secrets are redacted before anything leaves the host; enabled: false turns it off, extra_patterns adds regexes.",
    )
    severity_rules = ConfigField(
        schema=list[schemas.FloorRuleSpec], required=False,
        help_text="Minimum statuses the logs force, whatever the LLM says: min_count lines matching pattern => at least min_status.",
    )

    class Meta:
        model = Monitor
        fields = [
            "id", "name", "target_id", "log_source_id", "interval_seconds", "prompt", "inputs", "window_config",
            "notification_config", "remediation_config", "llm_provider", "llm_provider_metadata", "redaction_config",
            "severity_rules", "enabled",
            "last_run_at", "state", "state_since", "next_run_at", "created_at", "updated_at",
        ]
        read_only_fields = ["last_run_at", "state", "state_since", "next_run_at", "created_at", "updated_at"]
        extra_kwargs = {
            "interval_seconds": {"min_value": 1, "max_value": MAX_INTERVAL_SECONDS},
            "llm_provider": {"help_text": "A provider name (see LLM_PROVIDERS); empty: the LLM_PROVIDER setting."},
            "state": {"help_text": "The last finished run's status; empty before the first run."},
        }

    def validate(self, attrs):
        current = {field: attrs.get(field, getattr(self.instance, field, None)) for field in (*CONFIG_FIELDS, "prompt")}
        try:
            attrs.update(services.validate_monitor_fields(**current))
        except schemas.ConfigError as exc:
            raise _config_error(exc) from None
        return attrs


class SectionSerializer(serializers.Serializer):
    """What one input produced: line count, what was cut, and the error if it failed."""

    label = serializers.CharField()
    lines = serializers.IntegerField()
    truncated = serializers.BooleanField()
    truncated_lines = serializers.IntegerField()
    truncated_chars = serializers.IntegerField()
    omitted_bytes = serializers.IntegerField(required=False)
    error = serializers.CharField(allow_blank=True)
    notes = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="What an incremental read noticed: a rotated or truncated file, a recreated container."
    )
    meta = serializers.DictField(required=False, help_text="Collector facts, e.g. a command's exit_code.")


class SampleSerializer(SectionSerializer):
    """A log source's sample: the section and its text."""

    text = serializers.CharField(allow_blank=True)


class FloorMatchSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="The rule: a built-in name, or the monitor rule's label (its pattern when unlabelled).")
    count = serializers.IntegerField(help_text="Lines that matched.")
    samples = serializers.ListField(child=serializers.CharField(), help_text="The newest matching lines (redacted), oldest first.")
    min_status = serializers.CharField()


class FloorSerializer(serializers.Serializer):
    """The severity floor: the minimum status the logs force, and the rules that fired (strongest first)."""

    # Defaults: a run that ended before anything was read has no floor, i.e. no minimum.
    status = serializers.CharField(default="HEALTHY", help_text="HEALTHY when no rule fired.")
    matches = FloorMatchSerializer(many=True, default=list)


class MonitorCollectionSerializer(serializers.Serializer):
    """Collection only (no LLM): the text exactly as the LLM would get it, and what was done to it."""

    logs_text = serializers.CharField(
        allow_blank=True, help_text="What a run would send the LLM now: secrets redacted, compressed to the provider's budget."
    )
    sections = SectionSerializer(many=True)
    truncated_lines = serializers.IntegerField(help_text="Lines the monitor's window cut from the joined text.")
    truncated_chars = serializers.IntegerField(help_text="Characters the monitor's window cut from the joined text.")
    redactions = serializers.DictField(child=serializers.IntegerField(), help_text="Findings redacted, by kind (aws_key, secret, email...).")
    compression = serializers.DictField(help_text="What compression did: compressed, budget_chars, chars_in, chars_out, templates...")
    floor = FloorSerializer()
