"""Turn an LLM's answer into a validated ``Verdict``, or say exactly why not.

Models wrap JSON in prose, markdown fences or ``<think>`` blocks; we find the
first JSON object that looks like a verdict and validate it strictly. Anything
that does not fit raises ``ProviderError`` with the raw answer attached, so the
run ends as ``error`` and an operator can read what the model said: a bad
answer is never read as healthy.
"""

from __future__ import annotations

import json
import re

from pydantic import ValidationError

from runs.llm.base import ProviderError, Verdict

# The verdict as a JSON Schema, for servers that support structured output.
# Strict mode (OpenAI) wants every property required and no extras.
VERDICT_JSON_SCHEMA = {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": ["HEALTHY", "WARNING", "CRITICAL"]},
        "summary": {"type": "string", "description": "One or two sentences: the overall state."},
        "report": {"type": "string", "description": "A multi-section, human-readable report with the evidence."},
        "recommendations": {"type": "array", "items": {"type": "string"}, "description": "Concrete next actions."},
    },
    "required": ["status", "summary", "report", "recommendations"],
    "additionalProperties": False,
}

# How much of the raw answer an error message quotes (the whole answer is on the run).
QUOTE_CHARS = 300

_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_DECODER = json.JSONDecoder()


def parse_verdict(text: str | None, *, request: str = "") -> Verdict:
    """Extract and validate the verdict in ``text``; raise ``ProviderError`` (with the raw answer) when it is not one."""
    raw = text or ""
    data = extract_json_object(raw)
    if data is None:
        reason = "the answer is empty" if not raw.strip() else "the answer contains no JSON object"
        raise _invalid(reason, raw, request)
    if isinstance(data.get("status"), str):
        # "healthy" or " Warning " is the same word; "OK" stays wrong.
        data["status"] = data["status"].strip().upper()
    try:
        return Verdict.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_describe(error) for error in exc.errors())
        raise _invalid(problems, raw, request) from None


def extract_json_object(text: str) -> dict | None:
    """The first JSON object in ``text`` (preferring one with a ``status`` key), or None."""
    cleaned = _THINK.sub("", text).strip()
    try:
        whole = json.loads(cleaned)
    except ValueError:
        whole = None
    if isinstance(whole, dict):
        return whole
    first = None
    position = cleaned.find("{")
    while position != -1:
        try:
            candidate, end = _DECODER.raw_decode(cleaned, position)
        except ValueError:
            position = cleaned.find("{", position + 1)
            continue
        if isinstance(candidate, dict):
            if "status" in candidate:
                return candidate
            first = first if first is not None else candidate
        position = cleaned.find("{", end)
    return first


def _describe(error: dict) -> str:
    field = ".".join(str(part) for part in error["loc"]) or "answer"
    if error["type"] == "missing":
        return f"{field}: this field is required"
    if error["type"] == "literal_error":
        return f"{field}: must be HEALTHY, WARNING or CRITICAL (got {error.get('input')!r})"
    return f"{field}: {error['msg']}"


def _invalid(reason: str, raw: str, request: str) -> ProviderError:
    quoted = raw if len(raw) <= QUOTE_CHARS else raw[:QUOTE_CHARS] + "..."
    return ProviderError(
        f"invalid verdict: {reason}. Raw answer: {quoted!r}",
        permanent=False,
        raw_response=raw,
        request=request,
    )
