"""OpenAI, and any server that speaks its chat completions API (Ollama, vLLM, llama.cpp...).

We ask for structured output (the verdict's JSON Schema). Compatible servers
differ: llama.cpp, for one, answers ``json_schema`` with a 400 but accepts
JSON mode. So on a 400 (or another 4xx that names the response format) we
fall back to ``json_object``, then to plain text, and validate the answer
the same way every time. The format a server accepted is remembered for the
process, so a server that rejects structured output is not asked twice per run.
"""

from __future__ import annotations

import json
from typing import Annotated
from urllib.parse import urlsplit, urlunsplit

import openai
from django.conf import settings
from pydantic import Field

from monitors.schemas import Schema
from runs.llm import prompts
from runs.llm.base import Analysis, AnalysisRequest, Provider, ProviderError
from runs.llm.parsing import VERDICT_JSON_SCHEMA, parse_verdict

# Local servers ignore the key, but the SDK refuses to start without one.
LOCAL_SERVER_API_KEY = "not-needed"

RESPONSE_FORMATS: tuple[tuple[str, dict | None], ...] = (
    ("json_schema", {"type": "json_schema", "json_schema": {"name": "verdict", "strict": True, "schema": VERDICT_JSON_SCHEMA}}),
    ("json_object", {"type": "json_object"}),
    ("text", None),
)

# (base_url, model) -> index into RESPONSE_FORMATS of the first format that server accepted.
_accepted_format: dict[tuple[str, str], int] = {}


class OpenAIMetadata(Schema):
    """Per-monitor overrides, in ``monitor.llm_provider_metadata``."""

    model: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    temperature: Annotated[float, Field(ge=0, le=2)] | None = None
    max_tokens: Annotated[int, Field(gt=0, le=1_000_000)] | None = None


class OpenAIProvider(Provider):
    name = "openai"
    metadata_schema = OpenAIMetadata

    def analyze(self, request: AnalysisRequest) -> Analysis:
        options = self.options(request)
        params: dict = {"model": options.model or settings.OPENAI_MODEL, "messages": prompts.render(request).messages()}
        if options.temperature is not None:
            params["temperature"] = options.temperature
        if options.max_tokens is not None:
            params["max_tokens"] = options.max_tokens
        server = (settings.OPENAI_BASE_URL or "", params["model"])
        rejected: list[str] = []
        with self._client() as client:
            for index in range(_accepted_format.get(server, 0), len(RESPONSE_FORMATS)):
                label, response_format = RESPONSE_FORMATS[index]
                call = {**params, "response_format": response_format} if response_format else params
                record = _record(call, rejected)
                try:
                    completion = client.chat.completions.create(**call)
                except openai.APIStatusError as exc:
                    if response_format is not None and _rejects_format(exc):
                        rejected.append(f"{label}: HTTP {exc.status_code} {_server_message(exc)}")
                        continue
                    raise _status_error(exc, record) from None
                except openai.APITimeoutError:
                    raise ProviderError(
                        f"no answer from {_where()} within LLM_TIMEOUT_SECONDS={settings.LLM_TIMEOUT_SECONDS:g}s", request=record
                    ) from None
                except openai.APIConnectionError as exc:
                    raise ProviderError(f"cannot reach {_where()}: {exc.__cause__ or exc}", request=record) from None
                _accepted_format[server] = index
                return _analysis(completion, params["model"], record)
        raise AssertionError("unreachable: the plain-text format is never skipped")  # pragma: no cover

    @staticmethod
    def _client() -> openai.OpenAI:
        api_key = settings.OPENAI_API_KEY
        if not api_key:
            if not settings.OPENAI_BASE_URL:
                raise ProviderError("OPENAI_API_KEY is not set (or set OPENAI_BASE_URL for a local server)", permanent=True)
            api_key = LOCAL_SERVER_API_KEY
        # The SDK's defaults are a 600 s timeout and two retries; a run must stay bounded.
        return openai.OpenAI(
            base_url=settings.OPENAI_BASE_URL,
            api_key=api_key,
            timeout=settings.LLM_TIMEOUT_SECONDS,
            max_retries=settings.LLM_MAX_RETRIES,
        )


def _analysis(completion, model: str, record: str) -> Analysis:
    choice = completion.choices[0] if completion.choices else None
    message = choice.message if choice else None
    content = (message.content if message else None) or ""
    if message is not None and getattr(message, "refusal", None) and not content:
        raise ProviderError(f"the model refused to answer: {message.refusal}", raw_response=message.refusal, request=record)
    try:
        verdict = parse_verdict(content, request=record)
    except ProviderError as exc:
        if choice is None or choice.finish_reason != "length":
            raise
        raise ProviderError(f"{exc} (the answer was cut off by max_tokens)", raw_response=content, request=record) from None
    usage = completion.usage
    return Analysis(
        verdict=verdict,
        model=completion.model or model,
        request=record,
        response=content,
        prompt_tokens=usage.prompt_tokens if usage else None,
        completion_tokens=usage.completion_tokens if usage else None,
    )


def _record(call: dict, rejected: list[str]) -> str:
    """What we sent, as stored on the run (the API key travels in a header, never here)."""
    record = {**call, "response_format": call.get("response_format", {"type": "text"})}
    if rejected:
        record["rejected_response_formats"] = list(rejected)
    return json.dumps(record, ensure_ascii=False, indent=1)


def _rejects_format(exc: openai.APIStatusError) -> bool:
    """Did the server refuse our response_format? Any 400 counts: servers word it differently."""
    if exc.status_code == 400:
        return True
    text = f"{exc.message} {exc.body}".lower()
    return 400 <= exc.status_code < 500 and any(word in text for word in ("response_format", "json_schema", "json_object"))


def _status_error(exc: openai.APIStatusError, record: str) -> ProviderError:
    status = exc.status_code
    detail = f"{_where()} answered HTTP {status}: {_server_message(exc)}"
    if status in (401, 403):
        return ProviderError(f"{detail} (check OPENAI_API_KEY)", permanent=True, request=record)
    if status == 404:
        return ProviderError(f"{detail} (check the model name and OPENAI_BASE_URL)", permanent=True, request=record)
    # Rate limits, timeouts and server errors may pass; other client errors will not.
    transient = status in (408, 409, 429) or status >= 500
    return ProviderError(detail, permanent=not transient, raw_response=_body_text(exc), request=record)


def _server_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
        if isinstance(error, str):
            return error
    return exc.message


def _body_text(exc: openai.APIStatusError) -> str:
    try:
        return exc.response.text
    except Exception:  # a streamed or closed body; the message already says enough
        return ""


def _where() -> str:
    """The server, for messages: without credentials a URL might carry."""
    if not settings.OPENAI_BASE_URL:
        return "the OpenAI API"
    parts = urlsplit(settings.OPENAI_BASE_URL)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
