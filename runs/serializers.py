"""API shapes of runs, their deliveries, and the monitors' scheduling snapshot."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework import serializers

from monitors.models import Monitor
from monitors.serializers import FloorSerializer
from notifications.models import Delivery
from notifications.services import SILENCE_MAX_MINUTES, validate_silence_until
from runs.models import MonitorRun


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = Delivery
        fields = ["id", "channel", "recipient", "outcome", "error", "response_code", "attempt", "message_id", "event", "next_attempt_at", "created_at"]


class RunSerializer(serializers.ModelSerializer):
    """A run in a list: the columns RUN_LIST_FIELDS loads, never the big texts."""

    status = serializers.ChoiceField(
        choices=MonitorRun.Status.choices, allow_blank=True, help_text="ok, warn, alert or error; empty while running."
    )
    running = serializers.BooleanField(source="is_running", help_text="True while the run is going (no finished_at yet).")
    monitor_id = serializers.IntegerField()

    class Meta:
        model = MonitorRun
        # Only columns that runs.selectors loads for lists (RUN_LIST_FIELDS).
        fields = [
            "id", "monitor_id", "trigger", "status", "llm_status", "llm_skipped", "floor_won", "summary", "error",
            "started_at", "finished_at", "duration_ms", "running", "prompt_tokens", "completion_tokens", "cost_usd",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "llm_status": {"help_text": "What the LLM said (HEALTHY, WARNING, CRITICAL); status may be higher when floor_won."},
            "cost_usd": {"help_text": "Estimated from LLM_PRICES (USD); null when the model has no price or no tokens were reported."},
        }


class RunDetailSerializer(RunSerializer):
    """One run with what was read, what the LLM was asked and said, and every delivery."""

    deliveries = DeliverySerializer(many=True, read_only=True)
    total_tokens = serializers.IntegerField(allow_null=True, read_only=True)
    floor = FloorSerializer(read_only=True, help_text="The minimum status the logs set and the rules that fired.")
    redactions = serializers.DictField(child=serializers.IntegerField(), read_only=True, help_text="Secrets redacted before storage and sending, by kind.")
    compression = serializers.DictField(read_only=True, help_text="How the logs were compressed for the LLM ({} when nothing was read).")

    class Meta(RunSerializer.Meta):
        fields = [
            *RunSerializer.Meta.fields, "report", "recommendations", "logs_text", "sections", "floor", "redactions", "compression",
            "llm_provider", "llm_model", "llm_request", "llm_response", "total_tokens", "deliveries",
        ]
        read_only_fields = fields


class UsageTotalsSerializer(serializers.Serializer):
    runs = serializers.IntegerField(help_text="Runs started.")
    llm_calls = serializers.IntegerField(help_text="Runs whose provider reported tokens.")
    prompt_tokens = serializers.IntegerField()
    completion_tokens = serializers.IntegerField()
    cost_usd = serializers.DecimalField(max_digits=14, decimal_places=6, allow_null=True, help_text="Null when no run had a priced model.")


class UsageDaySerializer(UsageTotalsSerializer):
    date = serializers.DateField()


class UsageSerializer(serializers.Serializer):
    """A monitor's LLM use per day, newest first, and the totals over the period."""

    monitor_id = serializers.IntegerField()
    days = serializers.IntegerField()
    totals = UsageTotalsSerializer()
    by_day = UsageDaySerializer(many=True)


class UsageFilterSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=366, default=30, help_text="How many days back, today included.")


class RunFilterSerializer(serializers.Serializer):
    """Query parameters of a run list."""

    status = serializers.ChoiceField(
        choices=[*MonitorRun.Status.values, "running"], required=False, help_text="ok, warn, alert, error or running."
    )
    since = serializers.DateTimeField(required=False, help_text="Runs started at or after this time (ISO 8601).")
    until = serializers.DateTimeField(required=False, help_text="Runs started before this time (ISO 8601).")


class MonitorStatusSerializer(serializers.ModelSerializer):
    """The scheduling snapshot of one monitor."""

    monitor_id = serializers.IntegerField(source="id")
    status = serializers.CharField(source="state", help_text="The last finished run's status (ok, warn, alert, error); empty before the first run.")
    status_since = serializers.DateTimeField(source="state_since", allow_null=True)
    running = serializers.BooleanField(help_text="A run is in progress now.")
    last_run_id = serializers.IntegerField(allow_null=True, help_text="The newest run, finished or not.")
    silenced_until = serializers.DateTimeField(allow_null=True, read_only=True, help_text="Nothing is sent until then; null when not silenced.")
    silence_reason = serializers.CharField(read_only=True, help_text="Why it is silenced; empty when not silenced or no reason was given.")

    class Meta:
        model = Monitor
        fields = [
            "monitor_id", "name", "enabled", "interval_seconds", "last_run_at", "status", "status_since",
            "next_run_at", "running", "last_run_id", "skipped_slots", "silenced_until", "silence_reason",
        ]
        read_only_fields = fields


class SilenceSerializer(serializers.Serializer):
    """How long to send nothing: exactly one of ``until`` and ``minutes``."""

    until = serializers.DateTimeField(
        required=False, validators=[validate_silence_until], help_text=f"When the silence ends (ISO 8601): in the future, at most {SILENCE_MAX_MINUTES // 1440} days ahead."
    )
    minutes = serializers.IntegerField(required=False, min_value=1, max_value=SILENCE_MAX_MINUTES, help_text="Or: for this many minutes from now.")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="", help_text="Shown with the silence and in held-back deliveries.")

    def validate(self, attrs):
        given = [name for name in ("until", "minutes") if name in attrs]
        if len(given) != 1:
            message = "Give exactly one of until and minutes."
            raise serializers.ValidationError({name: [message] for name in (given or ["until", "minutes"])})
        if "minutes" in attrs:
            attrs["until"] = timezone.now() + timedelta(minutes=attrs.pop("minutes"))
        return attrs


class WebhookSecretSerializer(serializers.Serializer):
    secret = serializers.CharField(read_only=True, help_text="whsec_ + base64 key. Shown in this answer only; keep it now.")
