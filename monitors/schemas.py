"""Typed schemas for the JSON configs stored on monitors and log sources.

One definition per config, used by the model's ``clean()``, the admin, the
pages' forms and the API serializers, so a bad value gets the same message
everywhere. ``ConfigError`` carries the errors in two shapes: nested like
DRF's (``{"inputs": [{"command": ["Field required"]}]}``) and flat lines
(``inputs[1].command: Field required``).
"""

from __future__ import annotations

import re
import shlex
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator, model_validator

STATUSES = ("HEALTHY", "WARNING", "CRITICAL")
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
LABEL = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
MAX_PROMPT_CHARS = 20_000


class Schema(BaseModel):
    """Base of every config schema: unknown keys are errors (a typo must not be ignored), strings are stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


PositiveInt = Annotated[int, Field(gt=0)]


class InputSpec(Schema):
    """One thing to read: a command's output, a file's tail, a container's logs."""

    label: str
    mode: Literal["command", "file", "docker"] = "command"
    command: str | None = None
    shell: bool = False
    path: str | None = None
    container: str | None = None
    docker_host: str | None = None
    timeout_seconds: Annotated[float, Field(gt=0, le=3600)] | None = None
    max_lines: PositiveInt | None = None
    max_chars: PositiveInt | None = None

    @field_validator("label")
    @classmethod
    def _label(cls, value: str) -> str:
        if not LABEL.match(value):
            raise ValueError("use 1-64 letters, digits, '_', '.', ':' or '-'")
        return value

    @model_validator(mode="after")
    def _required_for_mode(self) -> InputSpec:
        required = {"command": "command", "file": "path", "docker": "container"}[self.mode]
        if not getattr(self, required):
            raise ValueError(f"{required}: this field is required when mode is '{self.mode}'.")
        if self.mode == "command" and not self.shell:
            try:
                shlex.split(self.command)
            except ValueError as exc:
                raise ValueError(f"command: cannot be split into arguments ({exc}).") from None
        return self


class WindowConfig(Schema):
    """What a run reads and sends: caps on the joined text, and incremental reading.

    ``incremental``: file and docker inputs read only what arrived since the
    last answered run (a command is always run whole). ``skip_when_unchanged``:
    when nothing new arrived (and every command printed what it printed last
    time), the run keeps the previous verdict without calling the LLM.
    """

    max_lines: PositiveInt | None = None
    max_chars: PositiveInt | None = None
    incremental: bool = True
    skip_when_unchanged: bool = False

    @model_validator(mode="after")
    def _skip_needs_incremental(self) -> WindowConfig:
        if self.skip_when_unchanged and not self.incremental:
            raise ValueError("skip_when_unchanged: needs incremental reading (incremental: true) to know what is new.")
        return self


def _is_http_url(value: str) -> bool:
    return bool(re.match(r"^https?://[^\s/]+", value))


class NotificationConfig(Schema):
    """Who hears about runs, and when (noise control; notifications/policy.py applies it)."""

    email_recipients: list[str] = []
    sms_recipients: list[str] = []
    webhook_urls: list[str] = []
    notify_on: Literal["alert_only", "warn_and_alert", "all"] = "alert_only"
    # every_run: each run at the notify_on level is sent (the original behaviour);
    # state_change: only escalation, de-escalation, recovery and reminders.
    mode: Literal["every_run", "state_change"] = "every_run"
    renotify_interval_minutes: Annotated[int, Field(gt=0, le=7 * 24 * 60)] | None = None
    alert_after_runs: Annotated[int, Field(ge=1, le=100)] = 1
    recover_after_runs: Annotated[int, Field(ge=1, le=100)] = 1
    notify_on_errors_after: Annotated[int, Field(ge=0, le=100)] = 3

    @field_validator("webhook_urls")
    @classmethod
    def _webhooks(cls, values: list[str]) -> list[str]:
        for value in values:
            if not _is_http_url(value):
                raise ValueError(f"'{value}' is not an http:// or https:// URL")
        return values

    @field_validator("email_recipients")
    @classmethod
    def _emails(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                validate_email(value)
            except DjangoValidationError:
                raise ValueError(f"'{value}' is not a valid email address") from None
        return values

    @field_validator("sms_recipients")
    @classmethod
    def _phones(cls, values: list[str]) -> list[str]:
        for value in values:
            if not E164.match(value):
                raise ValueError(f"'{value}' is not a phone number in E.164 form (+15551234567)")
        return values


class RemediationConfig(Schema):
    enabled: bool = False
    remediation_endpoint: str | None = None
    trigger_on: list[Literal["HEALTHY", "WARNING", "CRITICAL"]] = ["CRITICAL"]
    max_auto_actions: Annotated[int, Field(ge=0, le=100)] = 5
    require_human_approval: bool = True
    max_per_hour: Annotated[int, Field(ge=1, le=1000)] = 10
    send_resolved: bool = False

    @field_validator("remediation_endpoint")
    @classmethod
    def _endpoint(cls, value: str | None) -> str | None:
        if value and not _is_http_url(value):
            raise ValueError("must be an http:// or https:// URL")
        return value or None

    @model_validator(mode="after")
    def _endpoint_when_enabled(self) -> RemediationConfig:
        if self.enabled and not self.remediation_endpoint:
            raise ValueError("remediation_endpoint: this field is required when remediation is enabled.")
        return self


MAX_PATTERN_CHARS = 500


def _regex(value: str) -> str:
    """An operator's regular expression: it compiles, and it cannot match nothing.

    A pattern that matches the empty string would redact between every
    character, or count every line towards a severity rule.
    """
    if not value:
        raise ValueError("may not be blank")
    if len(value) > MAX_PATTERN_CHARS:
        raise ValueError(f"must have no more than {MAX_PATTERN_CHARS} characters")
    try:
        compiled = re.compile(value)
    except re.error as exc:
        raise ValueError(f"'{value}' is not a valid regular expression ({exc})") from None
    if compiled.search(""):
        raise ValueError(f"'{value}' matches an empty string; it would match everywhere")
    return value


Regex = Annotated[str, AfterValidator(_regex)]


class RedactionConfig(Schema):
    """Per-monitor redaction: built-in secret patterns (on unless switched off) plus the operator's own."""

    enabled: bool = True
    extra_patterns: list[Regex] = []


class FloorRuleSpec(Schema):
    """An operator's severity rule: ``min_count`` or more lines matching ``pattern`` => at least ``min_status``."""

    pattern: Regex
    min_status: Literal["WARNING", "CRITICAL"]
    min_count: Annotated[int, Field(ge=1, le=1_000_000)] = 1
    label: Annotated[str, Field(max_length=100)] = ""


class FileSourceConfig(Schema):
    path: str
    max_lines: PositiveInt = 200


class DockerSourceConfig(Schema):
    container: str
    max_lines: PositiveInt = 200
    docker_host: str | None = None


LOG_SOURCE_CONFIGS: dict[str, type[Schema]] = {"file": FileSourceConfig, "docker": DockerSourceConfig}


def log_source_config(driver: str, config: Any) -> dict:
    """A log source's ``config`` checked against its driver's schema and normalised; ConfigError names the field."""
    schema = LOG_SOURCE_CONFIGS.get(driver)
    if schema is None:
        message = f"Unknown driver '{driver}'."
        raise ConfigError("driver", [message], [message])
    return parse("config", schema, config).model_dump(exclude_none=True)


class ConfigError(ValueError):
    """A config failed its schema.

    ``errors`` is nested like DRF's errors for the field
    (``[{}, {"command": ["This field is required."]}]`` for a list),
    ``lines`` is flat (``inputs[1].command: This field is required.``).
    """

    def __init__(self, field: str, errors: Any, lines: list[str]):
        super().__init__("; ".join(lines))
        self.field = field
        self.errors = errors
        self.lines = lines


def parse(field: str, schema: type[Schema], value: Any, *, many: bool = False):
    """Validate ``value`` against ``schema`` (a list of them when ``many``); raise ConfigError."""
    adapter = TypeAdapter(list[schema] if many else schema)
    if value is None:
        value = [] if many else {}
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        tree: Any = None
        lines = []
        for error in exc.errors():
            loc, message = _locate(error)
            tree = _nest(tree, loc, message)
            lines.append(f"{field}{_path(loc)}: {message}")
        raise ConfigError(field, tree, lines) from None


def _locate(error: dict) -> tuple[tuple, str]:
    """Where an error belongs and what it says, in DRF's words where they exist."""
    loc = tuple(error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "missing":
        message = "This field is required."
    elif error["type"] == "extra_forbidden":
        message = "Unknown field."
    # Cross-field checks (model validators) name their field: "path: ...".
    field, sep, rest = message.partition(": ")
    if sep and re.fullmatch(r"[a-z_]+", field):
        loc, message = (*loc, field), rest[:1].upper() + rest[1:]
    return loc, message


def _path(loc: tuple) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)


def _nest(tree: Any, loc: tuple, message: str) -> Any:
    """Insert ``message`` into a DRF-shaped error tree at ``loc``."""
    if not loc:
        if isinstance(tree, dict):
            return {**tree, "non_field_errors": [*tree.get("non_field_errors", []), message]}
        return [*(tree or []), message]
    head, rest = loc[0], loc[1:]
    if isinstance(head, int):
        items = tree if isinstance(tree, list) else []
        items += [{} for _ in range(head + 1 - len(items))]
        items[head] = _nest(items[head] or None, rest, message)
        return items
    branch = tree if isinstance(tree, dict) else {}
    branch[head] = _nest(branch.get(head), rest, message)
    return branch


def unique_labels(specs: list[InputSpec]) -> list[InputSpec]:
    """Labels name the sections the LLM reads and the cursors of incremental reads: one input per label."""
    seen: set[str] = set()
    errors: list[dict] = []
    lines = []
    for index, spec in enumerate(specs):
        errors.append({})
        if spec.label in seen:
            message = f"'{spec.label}' is already the label of another input; labels must be unique."
            errors[index] = {"label": [message]}
            lines.append(f"inputs[{index}].label: {message}")
        seen.add(spec.label)
    if lines:
        raise ConfigError("inputs", errors, lines)
    return specs


def validate_prompt(value: str) -> str:
    for broken, message in (
        (not value or not value.strip(), "This field may not be blank."),
        (len(value or "") > MAX_PROMPT_CHARS, f"Ensure this field has no more than {MAX_PROMPT_CHARS} characters."),
    ):
        if broken:
            raise ConfigError("prompt", [message], [f"prompt: {message}"])
    return value
