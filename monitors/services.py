"""Writes to targets, log sources and monitors, shared by admin, pages, API and commands."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.module_loading import import_string

from monitors import schemas
from monitors.collectors import Section, collect_one
from monitors.models import InputCursor, LogSource, Monitor, Target


# Command inputs run programs on the host: creating or changing them needs this
# permission, which superusers and the API_TOKEN holder have and plain staff do not.
COMMAND_INPUTS_PERMISSION = "monitors.manage_command_inputs"


class InUseError(Exception):
    """Deleting this would orphan something that still points at it."""


def command_inputs(inputs) -> list[dict]:
    """The command inputs of a list of inputs, normalised so that equal commands compare equal."""
    found = []
    for item in inputs or []:
        if not isinstance(item, dict) or item.get("mode", "command") != "command":
            continue
        try:
            item = schemas.InputSpec.model_validate(item).model_dump(exclude_none=True)
        except ValueError:
            pass  # stored before a schema change: compare as stored
        found.append(item)
    return found


def check_command_inputs(user, *, old_inputs, new_inputs) -> None:
    """Refuse (PermissionDenied) a write that adds or changes a command input unless ``user`` may manage them.

    One rule for the admin, the pages and the API (DRF answers Django's
    PermissionDenied with a 403 carrying the message). Both lists are
    normalised (validated) inputs; removing a command is allowed to anyone.
    """
    old = command_inputs(old_inputs)
    added_or_changed = [item for item in command_inputs(new_inputs) if item not in old]
    if added_or_changed and not user.has_perm(COMMAND_INPUTS_PERMISSION):
        raise PermissionDenied(f"Creating or changing command inputs needs the '{COMMAND_INPUTS_PERMISSION}' permission.")


def validate_monitor_fields(
    *,
    prompt: str,
    inputs: Any,
    window_config: Any,
    notification_config: Any,
    remediation_config: Any,
    llm_provider: str,
    llm_provider_metadata: Any,
    redaction_config: Any = None,
    severity_rules: Any = None,
) -> dict[str, Any]:
    """Check every nested config; return them normalised, or raise ConfigError naming the field."""
    schemas.validate_prompt(prompt)
    provider = llm_provider or ""
    if provider and provider not in settings.LLM_PROVIDERS:
        choices = ", ".join(sorted(settings.LLM_PROVIDERS))
        message = f"Unknown provider '{provider}'; choose one of: {choices}."
        raise schemas.ConfigError("llm_provider", [message], [f"llm_provider: {message}"])
    provider_class = import_string(settings.LLM_PROVIDERS[provider or settings.LLM_PROVIDER])
    metadata = schemas.parse("llm_provider_metadata", provider_class.metadata_schema, llm_provider_metadata)

    def dump(model):
        return model.model_dump(exclude_none=True)

    return {
        "inputs": [dump(spec) for spec in schemas.unique_labels(schemas.parse("inputs", schemas.InputSpec, inputs, many=True))],
        "window_config": dump(schemas.parse("window_config", schemas.WindowConfig, window_config)),
        "notification_config": dump(schemas.parse("notification_config", schemas.NotificationConfig, notification_config)),
        "remediation_config": dump(schemas.parse("remediation_config", schemas.RemediationConfig, remediation_config)),
        "llm_provider": provider,
        "llm_provider_metadata": dump(metadata),
        "redaction_config": dump(schemas.parse("redaction_config", schemas.RedactionConfig, redaction_config)),
        "severity_rules": [dump(rule) for rule in schemas.parse("severity_rules", schemas.FloorRuleSpec, severity_rules, many=True)],
    }


def _save(instance, **fields):
    """Set ``fields``, run the model's checks (Model.clean: the schemas) and save; ValidationError names the field."""
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


def target_create(**fields) -> Target:
    """Create a target (validated like every write here)."""
    return _save(Target(), **fields)


def target_update(target: Target, **fields) -> Target:
    """Change a target."""
    return _save(target, **fields)


def log_source_create(**fields) -> LogSource:
    """Create a log source; its ``config`` is checked against its driver's schema."""
    return _save(LogSource(), **fields)


def log_source_update(log_source: LogSource, **fields) -> LogSource:
    """Change a log source; its ``config`` is checked against its (maybe new) driver's schema."""
    return _save(log_source, **fields)


def monitor_create(**fields) -> Monitor:
    """Create a monitor; an enabled one is due at once, so it runs within one dispatcher tick."""
    monitor = Monitor(**fields)
    if monitor.enabled:
        monitor.next_run_at = timezone.now()
    return _save(monitor)


def monitor_update(monitor: Monitor, **fields) -> Monitor:
    """Change a monitor; enabling, disabling and a new interval take effect at the next tick."""
    was_enabled, old_interval = monitor.enabled, monitor.interval_seconds
    _save(monitor, **fields)
    if monitor.enabled != was_enabled:
        monitor_set_enabled(monitor, monitor.enabled)
    elif monitor.enabled and monitor.interval_seconds != old_interval and monitor.last_run_at:
        monitor_reschedule(monitor)
    return monitor


def monitor_set_enabled(monitor: Monitor, enabled: bool) -> Monitor:
    """Enable (due now) or disable (off schedule) a monitor."""
    monitor.enabled = enabled
    monitor.next_run_at = timezone.now() if enabled else None
    monitor.save(update_fields=["enabled", "next_run_at", "updated_at"])
    return monitor


def monitor_reschedule(monitor: Monitor) -> None:
    """Due one interval after the last run (or from now).

    Writes next_run_at alone (an UPDATE, not a save), so no other column of
    a possibly stale instance is written back.
    """
    base = monitor.last_run_at or timezone.now()
    monitor.next_run_at = base + timezone.timedelta(seconds=monitor.interval_seconds)
    Monitor.objects.filter(pk=monitor.pk).update(next_run_at=monitor.next_run_at)


def delete(instance: Target | LogSource | Monitor) -> None:
    """Delete, refusing when other objects still point at it (no silent cascades)."""
    try:
        with transaction.atomic():
            instance.delete()
    except ProtectedError as exc:
        names = ", ".join(sorted(str(obj) for obj in exc.protected_objects)[:10])
        raise InUseError(f"{instance._meta.verbose_name.capitalize()} '{instance}' is still used by: {names}.") from None


def log_source_sample(log_source: LogSource, *, lines: int = 50) -> Section:
    """Read the last ``lines`` of a log source through its real driver (the "Test" button, ``POST /log-sources/{id}/test``).

    Returns a collectors Section; a failure is its ``error``, never raised.
    Nothing is written: this is a service only because admin, pages and API share it.
    """
    lines = max(1, min(int(lines), 1000))
    try:
        spec = log_source.as_input().model_copy(update={"max_lines": lines})
    except ValueError as exc:  # a stored config that no longer validates
        return Section(label=log_source.label, error=f"config: {exc}")
    return collect_one(spec)


def cursors_advance(monitor: Monitor, *, sections: list[Section]) -> None:
    """Store where each input's next read resumes; call it only once the run's verdict is stored.

    An input that failed keeps its old cursor (its lines are read next time);
    cursors of inputs the monitor no longer has are deleted. Runs of one
    monitor never overlap, so no other run writes these rows meanwhile.
    """
    with transaction.atomic():
        InputCursor.objects.filter(monitor=monitor).exclude(label__in=[section.label for section in sections]).delete()
        for section in sections:
            if section.cursor is not None and not section.error:
                InputCursor.objects.update_or_create(
                    monitor=monitor, label=section.label, defaults={"kind": section.cursor.get("kind", ""), "position": section.cursor}
                )
