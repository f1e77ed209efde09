"""Forms for the pages: flat widgets for the nested JSON configs.

The forms only shape input. Validation is the same code the admin and the
API use (``validate_monitor_fields`` and the schemas, then the services'
``full_clean``); a ``ConfigError`` is mapped back onto the widget it is
about, so "inputs[1].command: This field is required." appears beside the
command box of the second input.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from monitors import schemas
from monitors.models import LogSource, Monitor, Target
from monitors.services import COMMAND_INPUTS_PERMISSION, check_command_inputs, validate_monitor_fields

STATUS_CHOICES = [(status, status.title()) for status in schemas.STATUSES]

# Where each key of a nested config lives on the monitor form. Keys the form
# does not show (or that a newer schema adds) keep their stored value on edit.
CONFIG_WIDGETS = {
    "window_config": {
        "max_lines": "window_max_lines", "max_chars": "window_max_chars",
        "incremental": "window_incremental", "skip_when_unchanged": "window_skip_when_unchanged",
    },
    "notification_config": {
        "notify_on": "notify_on",
        "email_recipients": "email_recipients",
        "sms_recipients": "sms_recipients",
        "webhook_urls": "webhook_urls",
        "mode": "notification_mode",
        "renotify_interval_minutes": "renotify_interval_minutes",
        "alert_after_runs": "alert_after_runs",
        "recover_after_runs": "recover_after_runs",
        "notify_on_errors_after": "notify_on_errors_after",
    },
    "remediation_config": {
        "enabled": "remediation_enabled",
        "remediation_endpoint": "remediation_endpoint",
        "trigger_on": "remediation_trigger_on",
        "max_auto_actions": "max_auto_actions",
        "require_human_approval": "require_human_approval",
        "max_per_hour": "remediation_max_per_hour",
        "send_resolved": "remediation_send_resolved",
    },
}
CONFIG_SCHEMAS = {"window_config": schemas.WindowConfig, "notification_config": schemas.NotificationConfig, "remediation_config": schemas.RemediationConfig}
LIST_KEYS = {"email_recipients", "sms_recipients", "webhook_urls"}  # typed one per line
# What a person setting up a monitor on a page most likely wants: one message
# when it breaks, a reminder every two hours, one when it recovers. (The API
# keeps the schema's defaults, so scripts see the documented behaviour.)
NEW_MONITOR_CONFIGS = {"notification_config": {"mode": "state_change", "renotify_interval_minutes": 120}}


def config_initial(field: str, stored: dict | None) -> dict:
    """Widget values for one nested config: the stored values over the schema's defaults."""
    values = {**CONFIG_SCHEMAS[field]().model_dump(), **(stored or {})}
    return {
        widget: "\n".join(values.get(key) or []) if key in LIST_KEYS else values.get(key)
        for key, widget in CONFIG_WIDGETS[field].items()
    }


def config_from_widgets(field: str, data: dict, stored: dict | None) -> dict:
    """One nested config from the widgets, laid over the stored one; an empty widget means the default."""
    config = dict(stored or {})
    known = CONFIG_SCHEMAS[field].model_fields
    for key, widget in CONFIG_WIDGETS[field].items():
        if key not in known:
            continue
        value = split_list(data.get(widget)) if key in LIST_KEYS else data.get(widget)
        if value is None or value == "":
            config.pop(key, None)
        else:
            config[key] = value
    return config


MODE_FIELDS = {"command": ("command", "shell"), "file": ("path",), "docker": ("container", "docker_host")}


def messages_in(tree: Any) -> list[str]:
    """Every message string in a DRF-shaped error tree, depth first."""
    if isinstance(tree, str):
        return [tree]
    if isinstance(tree, dict):
        return [m for value in tree.values() for m in messages_in(value)]
    if isinstance(tree, list):
        return [m for value in tree for m in messages_in(value)]
    return [str(tree)] if tree else []


def add_config_error(form: forms.Form, exc: schemas.ConfigError, widgets: dict[str, str]) -> None:
    """Put each error of a dict-shaped config next to the widget for its key."""
    tree = exc.errors if isinstance(exc.errors, dict) else {"non_field_errors": exc.errors}
    for key, value in tree.items():
        field = widgets.get(key)
        for message in messages_in(value):
            form.add_error(field, message if field else f"{exc.field}.{key}: {message}")


def split_list(value: str) -> list[str]:
    """Recipients typed one per line or separated by commas."""
    return [item.strip() for item in re.split(r"[\n,;]+", value or "") if item.strip()]


def json_or(text: str, empty):
    """Typed JSON, or ``empty`` for a blank box."""
    text = (text or "").strip()
    if not text:
        return empty
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"Enter valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).") from None


class ServiceForm(forms.Form):
    """A form whose save goes through a service that may still refuse (unique name, model checks)."""

    def add_service_errors(self, exc: ValidationError) -> None:
        """The service's ValidationError onto the form: beside the field when the form has it."""
        for field, errors in (exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}).items():
            self.add_service_error(field, errors)

    def add_service_error(self, field: str, errors: list[str]) -> None:
        if field in self.fields:
            self.add_error(field, errors)
        else:
            self.add_error(None, [e if field == "__all__" else f"{field}: {e}" for e in errors])


class TargetForm(ServiceForm):
    name = forms.CharField(max_length=200)
    host = forms.CharField(max_length=255, required=False, help_text="Hostname or address, for people.")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    @staticmethod
    def initial_for(target: Target) -> dict:
        return {"name": target.name, "host": target.host, "description": target.description}


class LogSourceForm(ServiceForm):
    """A file's tail or a container's logs; the driver's fields become its ``config``."""

    SOURCE_WIDGETS = {"path": "path", "container": "container", "max_lines": "max_lines", "docker_host": "docker_host"}

    name = forms.CharField(max_length=200)
    target = forms.ModelChoiceField(Target.objects.all(), required=False, empty_label="(none)")
    driver = forms.ChoiceField(choices=LogSource.Driver.choices)
    path = forms.CharField(required=False, help_text="File driver: absolute path under one of LOG_FILE_ROOTS.")
    container = forms.CharField(required=False, help_text="Docker driver: container name or id.")
    docker_host = forms.CharField(required=False, help_text="Docker driver: optional, e.g. tcp://10.0.0.5:2375; default DOCKER_HOST.")
    max_lines = forms.IntegerField(required=False, min_value=1, initial=200, help_text="Newest lines to read.")

    @staticmethod
    def initial_for(source: LogSource) -> dict:
        return {"name": source.name, "target": source.target_id, "driver": source.driver, **(source.config or {})}

    def clean(self):
        data = super().clean()
        driver = data.get("driver")
        if driver not in schemas.LOG_SOURCE_CONFIGS:
            return data
        keys = schemas.LOG_SOURCE_CONFIGS[driver].model_fields
        config = {key: data.get(key) for key in keys if data.get(key) not in (None, "")}
        try:
            data["config"] = schemas.log_source_config(driver, config)
        except schemas.ConfigError as exc:
            add_config_error(self, exc, self.SOURCE_WIDGETS)
        return data

    def source_fields(self) -> dict:
        data = self.cleaned_data
        return {"name": data["name"], "target": data["target"], "driver": data["driver"], "config": data["config"]}


class InputForm(forms.Form):
    """One item of ``inputs``: a label, a mode and the field that mode needs."""

    label = forms.CharField(max_length=64, help_text="Section name in the text sent to the LLM, e.g. nginx.")
    mode = forms.ChoiceField(choices=[("command", "Command"), ("file", "File"), ("docker", "Docker container")], initial="command")
    command = forms.CharField(required=False, widget=forms.TextInput(attrs={"class": "code", "placeholder": "tail -n 200 /var/log/nginx/error.log"}))
    shell = forms.BooleanField(required=False, label="Run through a shell", help_text="Needed for pipes and globs.")
    path = forms.CharField(required=False, widget=forms.TextInput(attrs={"class": "code", "placeholder": "/var/log/syslog"}))
    container = forms.CharField(required=False, help_text="Container name or id.")
    docker_host = forms.CharField(required=False, label="Docker host", help_text="Optional, e.g. tcp://10.0.0.5:2375; default DOCKER_HOST.")
    timeout_seconds = forms.FloatField(required=False, min_value=0.1, label="Timeout (s)")
    max_lines = forms.IntegerField(required=False, min_value=1, label="Max lines")
    max_chars = forms.IntegerField(required=False, min_value=1, label="Max chars")

    def as_spec(self) -> dict:
        """The JSON item, with only the fields its mode uses."""
        data = self.cleaned_data
        mode = data.get("mode") or "command"
        spec = {"label": data.get("label", ""), "mode": mode}
        for name in MODE_FIELDS[mode]:
            if data.get(name):
                spec[name] = data[name]
        for name in ("timeout_seconds", "max_lines", "max_chars"):
            if data.get(name) is not None:
                spec[name] = data[name]
        return spec


InputFormSet = forms.formset_factory(InputForm, extra=0, can_delete=True)


class MonitorForm(ServiceForm):
    """A monitor with its nested configs as plain widgets, plus a formset of inputs (``self.inputs``)."""

    name = forms.CharField(max_length=200)
    target = forms.ModelChoiceField(Target.objects.all(), empty_label=None)
    enabled = forms.BooleanField(required=False, initial=True, help_text="Disabled monitors are off the schedule; run now still works.")
    interval_seconds = forms.IntegerField(min_value=1, initial=300, label="Interval (seconds)", help_text="How often it runs, e.g. 300 = every 5 minutes.")
    # Not required here: the schema's own "may not be blank" message is the one the API gives.
    prompt = forms.CharField(required=False, strip=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="What the LLM should look for.")
    log_source = forms.ModelChoiceField(LogSource.objects.all(), required=False, empty_label="(none)", help_text="Read as one more input.")

    window_max_lines = forms.IntegerField(required=False, min_value=1, label="Max lines", help_text=f"Default {settings.DEFAULT_WINDOW_MAX_LINES}.")
    window_max_chars = forms.IntegerField(required=False, min_value=1, label="Max characters", help_text=f"Default {settings.DEFAULT_WINDOW_MAX_CHARS}.")
    window_incremental = forms.BooleanField(required=False, label="Read only what is new since the last run")
    window_skip_when_unchanged = forms.BooleanField(required=False, label="Skip the LLM when nothing new was read")

    email_recipients = forms.CharField(required=False, label="Email recipients", widget=forms.Textarea(attrs={"rows": 2, "placeholder": "oncall@example.com"}), help_text="One per line or separated by commas.")
    sms_recipients = forms.CharField(required=False, label="SMS recipients", widget=forms.Textarea(attrs={"rows": 2, "placeholder": "+15551234567"}), help_text="E.164 numbers, one per line.")
    webhook_urls = forms.CharField(required=False, label="Webhook URLs", widget=forms.Textarea(attrs={"rows": 2, "placeholder": "https://hooks.example.com/logmonitor"}), help_text="One per line.")
    notify_on = forms.ChoiceField(
        choices=[("alert_only", "Alerts only"), ("warn_and_alert", "Warnings and alerts"), ("all", "Every run")],
        required=False, widget=forms.RadioSelect, label="Notify on",
    )
    notification_mode = forms.ChoiceField(
        choices=[("every_run", "Every run at that level"), ("state_change", "Only when the state changes (and reminders)")],
        required=False, widget=forms.RadioSelect, label="How often",
    )
    renotify_interval_minutes = forms.IntegerField(required=False, min_value=1, label="Remind every (minutes)", help_text="While still unhealthy; empty: no reminders.")
    alert_after_runs = forms.IntegerField(required=False, min_value=1, label="Alert after N bad runs")
    recover_after_runs = forms.IntegerField(required=False, min_value=1, label="Recover after N good runs")
    notify_on_errors_after = forms.IntegerField(required=False, min_value=0, label="Tell about errors after N in a row")

    remediation_enabled = forms.BooleanField(required=False, label="Send incidents to a remediation agent")
    remediation_endpoint = forms.CharField(required=False, label="Endpoint URL", widget=forms.TextInput(attrs={"placeholder": "https://agent.example.com/incidents"}))
    remediation_trigger_on = forms.MultipleChoiceField(
        choices=STATUS_CHOICES, required=False, widget=forms.CheckboxSelectMultiple, label="Trigger on LLM status"
    )
    max_auto_actions = forms.IntegerField(required=False, min_value=0, max_value=100, label="Max automatic actions")
    remediation_max_per_hour = forms.IntegerField(required=False, min_value=1, label="Max incidents per hour")
    require_human_approval = forms.BooleanField(required=False, label="Require human approval")
    remediation_send_resolved = forms.BooleanField(required=False, label="Also send when resolved")

    # Inverted so that a form posted without the box (a script, an old page) keeps redaction on.
    redaction_off = forms.BooleanField(
        required=False, label="Do not redact secrets", help_text="Not recommended: keys, passwords, emails and card numbers would reach the LLM, the stored run and notifications.",
    )
    redaction_extra_patterns = forms.CharField(
        required=False, label="Also redact (regular expressions)", strip=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "code", "placeholder": "ACME-\\d{6}"}),
        help_text="One Python regular expression per line; each match becomes [REDACTED:custom].",
    )
    severity_rules = forms.CharField(
        required=False, label="Severity rules (JSON)",
        widget=forms.Textarea(attrs={"rows": 4, "class": "code", "placeholder": '[{"pattern": "upstream timed out", "min_status": "WARNING", "min_count": 5}]'}),
        help_text=(
            "A list of rules: when at least min_count lines (default 1) match pattern, the run is at least min_status "
            "(WARNING or CRITICAL) whatever the LLM says; label names the rule in reports. Leave empty for the built-in rules only."
        ),
    )

    llm_provider = forms.ChoiceField(required=False, label="LLM provider")
    llm_provider_metadata = forms.CharField(
        required=False, label="Provider options (JSON)", widget=forms.Textarea(attrs={"rows": 3, "class": "code", "placeholder": "{}"}),
        help_text="Provider-specific, e.g. {\"model\": \"gpt-4o-mini\"}. Leave empty for none.",
    )

    def __init__(self, data=None, *, monitor: Monitor | None = None, user=None):
        self.monitor, self.user = monitor, user
        self.can_manage_commands = bool(user and user.has_perm(COMMAND_INPUTS_PERMISSION))
        super().__init__(data, initial=self.initial_for(monitor))
        self.fields["llm_provider"].choices = [("", f"Default ({settings.LLM_PROVIDER})")] + [(n, n) for n in settings.LLM_PROVIDERS]
        self.inputs = InputFormSet(data, prefix="inputs", initial=monitor.inputs if monitor else None)
        if not monitor:
            self.inputs.extra = 1

    @staticmethod
    def initial_for(monitor: Monitor | None) -> dict:
        """The widgets' values: the monitor's, or the defaults for a new one."""
        initial = {"enabled": True, "interval_seconds": 300}
        if monitor:
            initial = {
                "name": monitor.name, "target": monitor.target_id, "enabled": monitor.enabled,
                "interval_seconds": monitor.interval_seconds, "prompt": monitor.prompt, "log_source": monitor.log_source_id,
                "llm_provider": monitor.llm_provider,
                "llm_provider_metadata": json.dumps(monitor.llm_provider_metadata, indent=2) if monitor.llm_provider_metadata else "",
                "redaction_off": (monitor.redaction_config or {}).get("enabled") is False,
                "redaction_extra_patterns": "\n".join((monitor.redaction_config or {}).get("extra_patterns") or []),
                "severity_rules": json.dumps(monitor.severity_rules, indent=2) if monitor.severity_rules else "",
            }
        for field in CONFIG_WIDGETS:
            initial.update(config_initial(field, getattr(monitor, field) if monitor else NEW_MONITOR_CONFIGS.get(field)))
        return initial

    def clean_llm_provider_metadata(self):
        return json_or(self.cleaned_data["llm_provider_metadata"], {})

    def clean_severity_rules(self):
        return json_or(self.cleaned_data["severity_rules"], [])

    def is_valid(self) -> bool:
        self.inputs.is_valid()  # first, so clean() can read the input rows
        form_valid = super().is_valid()
        # Again: clean() may have put schema errors on input rows or above them.
        return form_valid and self.inputs.is_valid()

    def _input_forms(self) -> list[InputForm]:
        """The input rows that count: not removed, and not an untouched blank extra row."""
        return [
            form for form in self.inputs.forms
            if form.is_valid() and not form.cleaned_data.get("DELETE")
            and (form in self.inputs.initial_forms or form.has_changed())
        ]

    def clean(self):
        data = super().clean()
        if self.errors or not self.inputs.is_valid():
            return data
        input_forms = self._input_forms()
        raw = {
            "inputs": [form.as_spec() for form in input_forms],
            **{field: config_from_widgets(field, data, getattr(self.monitor, field) if self.monitor else None) for field in CONFIG_WIDGETS},
            "llm_provider": data.get("llm_provider") or "",
            "llm_provider_metadata": data.get("llm_provider_metadata") or {},
            "redaction_config": {
                **((self.monitor.redaction_config or {}) if self.monitor else {}),
                "enabled": not data.get("redaction_off"),
                "extra_patterns": [line.strip() for line in (data.get("redaction_extra_patterns") or "").splitlines() if line.strip()],
            },
            "severity_rules": data.get("severity_rules") or [],
        }
        try:
            self.config = validate_monitor_fields(prompt=data.get("prompt", ""), **raw)
            # The API's rule, word for word: adding or changing a command needs the permission.
            check_command_inputs(self.user, old_inputs=self.monitor.inputs if self.monitor else [], new_inputs=self.config["inputs"])
        except schemas.ConfigError as exc:
            self._add_config_error(exc, input_forms)
        except PermissionDenied as exc:
            self.inputs._non_form_errors.append(str(exc))
        return data

    def _add_config_error(self, exc: schemas.ConfigError, input_forms: list[InputForm]) -> None:
        if exc.field == "inputs":
            tree = exc.errors if isinstance(exc.errors, list) else []
            for index, item in enumerate(tree):
                if isinstance(item, dict) and item and index < len(input_forms):
                    for key, value in item.items():
                        target = key if key in InputForm.base_fields else None
                        for message in messages_in(value):
                            input_forms[index].add_error(target, message)
                elif isinstance(item, str):
                    self.inputs._non_form_errors.append(item)
        elif exc.field in CONFIG_WIDGETS:
            add_config_error(self, exc, CONFIG_WIDGETS[exc.field])
        elif exc.field in ("redaction_config", "severity_rules"):  # the flat lines say which pattern or rule
            self.add_error("redaction_extra_patterns" if exc.field == "redaction_config" else exc.field, exc.lines)
        elif exc.field in self.fields and isinstance(exc.errors, list):  # prompt, llm_provider
            self.add_error(exc.field, messages_in(exc.errors))
        else:  # llm_provider_metadata: the flat lines keep the key ("llm_provider_metadata.model: ...")
            self.add_error(exc.field if exc.field in self.fields else None, exc.lines)

    def monitor_fields(self) -> dict:
        """Keyword arguments for monitor_create / monitor_update."""
        data = self.cleaned_data
        return {
            "name": data["name"], "target": data["target"], "log_source": data["log_source"],
            "interval_seconds": data["interval_seconds"], "prompt": data["prompt"], "enabled": data["enabled"],
            **self.config,
        }

    def add_service_error(self, field: str, errors: list[str]) -> None:
        if field == "inputs":  # the formset has no single widget; show them above the rows
            self.inputs._non_form_errors.extend(errors)
        else:
            super().add_service_error(field, errors)

    # (legend, rows); the fields of one row sit side by side on a wide screen.
    SECTIONS = [
        ("Window: what is sent to the LLM", [["window_max_lines", "window_max_chars"], ["window_incremental"], ["window_skip_when_unchanged"]]),
        ("Notifications", [
            ["notify_on"], ["notification_mode"], ["email_recipients"], ["sms_recipients"], ["webhook_urls"],
            ["alert_after_runs", "recover_after_runs", "notify_on_errors_after", "renotify_interval_minutes"],
        ]),
        ("Remediation", [
            ["remediation_enabled"], ["remediation_endpoint", "max_auto_actions", "remediation_max_per_hour"],
            ["remediation_trigger_on"], ["require_human_approval"], ["remediation_send_resolved"],
        ]),
        ("Log intelligence: redaction and severity floor", [["redaction_off"], ["redaction_extra_patterns"], ["severity_rules"]]),
        ("LLM", [["llm_provider"], ["llm_provider_metadata"]]),
    ]

    @property
    def sections(self):
        """The nested configs as (legend, rows of bound fields), so the template loops instead of repeating."""
        return [(legend, [[self[name] for name in row] for row in rows]) for legend, rows in self.SECTIONS]


class DashboardFilterForm(forms.Form):
    """The dashboard's filters (GET): status, target and a name search."""

    status = forms.ChoiceField(required=False, choices=[
        ("", "Any status"), ("unhealthy", "Unhealthy (alert, error, warning)"), ("alert", "Alert"), ("error", "Error"),
        ("warn", "Warning"), ("ok", "OK"), ("new", "No verdict yet"), ("disabled", "Disabled"),
    ])
    target = forms.ModelChoiceField(Target.objects.all(), required=False, empty_label="Any target")
    q = forms.CharField(required=False, label="Search by name", widget=forms.TextInput(attrs={"type": "search", "placeholder": "Monitor name"}))
