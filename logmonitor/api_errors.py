"""The API's error format: ``{"detail": "..."}``, or ``{"field": [messages]}`` for invalid input.

Domain errors raised by the services become HTTP answers here, once, so views
stay thin: in use -> 409, run in progress -> 409, invalid config -> 400, and a
body over DATA_UPLOAD_MAX_MEMORY_SIZE (Django refuses to read it) -> 413.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from monitors.schemas import MAX_PROMPT_CHARS, ConfigError
from monitors.services import InUseError
from runs.services import RunInProgress


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Request body too large."
    default_code = "payload_too_large"


class SourceUnreadable(exceptions.APIException):
    """A log source could not be read; the detail is the driver's error."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The log source could not be read."
    default_code = "source_unreadable"


def _as_api_exception(exc):
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return PayloadTooLarge(
            f"Request body too large: the limit is {limit} bytes (DATA_UPLOAD_MAX_MEMORY_SIZE). "
            f"A monitor's prompt may hold at most {MAX_PROMPT_CHARS} characters."
        )
    if isinstance(exc, (InUseError, RunInProgress)):
        return Conflict(str(exc))
    if isinstance(exc, ConfigError):
        return exceptions.ValidationError({exc.field: exc.errors})
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})
    return exc


def exception_handler(exc, context):
    """DRF's handler, after mapping the services' errors to API errors."""
    return drf_exception_handler(_as_api_exception(exc), context)
