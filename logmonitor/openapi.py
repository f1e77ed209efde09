"""The OpenAPI schema (drf-spectacular): typed nested configs, the error format, the X-API-Key scheme."""

from __future__ import annotations

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension
from drf_spectacular.utils import OpenApiResponse
from pydantic import TypeAdapter
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """Every error that is not about one field: ``{"detail": "what went wrong"}``."""

    detail = serializers.CharField()


ERROR = ErrorSerializer
CONFLICT = ErrorSerializer
THROTTLED = OpenApiResponse(ErrorSerializer, description="Too many expensive actions; retry after the Retry-After header's seconds.")

# A 400 names each bad field; nested configs are nested like their JSON
# (``{"inputs": [{}, {"command": ["This field is required."]}]}``).
VALIDATION_ERROR = {
    "type": "object",
    "description": "Field name -> list of messages; nested configs give nested objects and lists.",
    "additionalProperties": True,
}


class AutoSchema(openapi.AutoSchema):
    """Documents the error answers that any operation can give, besides its own."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        error = self.resolve_serializer(ErrorSerializer, direction).ref
        has_body = self.method in ("POST", "PUT") and self.get_request_serializer() is not None
        extra = {
            "401": "No credentials, or an invalid, revoked or expired API key.",
            "403": "Authenticated but not allowed (not staff, missing permission, or a session without CSRF token).",
        }
        if "{" in self.path:
            extra["404"] = "No such object."
        if has_body:
            extra["413"] = "The request body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE."
            extra["415"] = "The request body is not JSON."
        for code, description in extra.items():
            responses.setdefault(code, {"content": {"application/json": {"schema": error}}, "description": description})
        if has_body or self._is_list_view():
            responses.setdefault(
                "400",
                {"content": {"application/json": {"schema": VALIDATION_ERROR}}, "description": "Invalid input; each bad field is named."},
            )
        return responses


def json_schema_for(type_) -> dict:
    """The JSON schema of a pydantic type, with its definitions inlined (they are small)."""
    schema = TypeAdapter(type_).json_schema()
    definitions = schema.pop("$defs", {})

    def inline(node):
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(definitions[node["$ref"].rsplit("/", 1)[-1]])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(value) for value in node]
        return node

    return inline(schema)


class ConfigFieldExtension(OpenApiSerializerFieldExtension):
    """A nested config is described by its pydantic schema (monitors.schemas), the one that validates it."""

    target_class = "monitors.serializers.ConfigField"

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        schema = json_schema_for(field.schema) if field.schema is not None else {"type": "object", "additionalProperties": True}
        schema.pop("title", None)
        if field.help_text:
            schema["description"] = str(field.help_text)
        return schema


class APIKeyAuthenticationExtension(OpenApiAuthenticationExtension):
    target_class = "logmonitor.permissions.APIKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-API-Key",
            "description": "API_TOKEN, or a per-user key from `manage.py apikey create <username>`.",
        }


def documented_paths_only(endpoints, **kwargs):
    """Name each route by its documented path (``/targets``); the server also accepts ``/targets/``."""
    return [(path.rstrip("/") or "/", path_regex, method, callback) for path, path_regex, method, callback in endpoints]


def integer_ids(result, generator, request, public):
    """Path ids are positive integers (the routes accept only digits)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("in") == "path" and parameter["schema"].get("pattern") == r"^\d+$":
                    parameter["schema"] = {"type": "integer", "minimum": 1}
    return result
