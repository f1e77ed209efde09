"""An OpenAI-compatible chat completions server on loopback (``POST /v1/chat/completions``).

Behaves like the servers the openai provider meets in the wild:

- ``answer(content)``: every completion answers ``content`` (a dict is sent as JSON text);
  ``answer_verdict(status=...)`` is the common case.
- ``accepted_formats``: the ``response_format`` types it accepts; the others get
  a 400 like llama.cpp's. ``like_llama_cpp()`` drops ``json_schema``.
- ``fail(status, message)``: every request gets that error (401, 404, 500...).
- ``hang_seconds``: wait that long before answering (client timeout tests).
- ``requests``: what it received (``.json`` is the body, ``.headers`` lowercase).

    def test_x(openai_server):          # tests/conftest.py points the settings at it
        openai_server.answer_verdict(status="WARNING")
"""

from __future__ import annotations

import json

from tests.fakes.json_http import JsonServer, Request

ALL_FORMATS = frozenset({"text", "json_object", "json_schema"})


class OpenAIServer(JsonServer):
    def __init__(self):
        super().__init__()
        self.url = f"{self.base_url}/v1"
        self.content = json.dumps({"status": "HEALTHY", "summary": "All quiet.", "report": "Nothing stands out.", "recommendations": []})
        self.model = "fake-model-1"
        self.usage = {"prompt_tokens": 321, "completion_tokens": 54}
        self.finish_reason = "stop"
        self.accepted_formats = set(ALL_FORMATS)
        self.error: tuple[int, dict] | None = None

    # --- behaviours ---------------------------------------------------------
    def answer(self, content: str | dict, *, finish_reason: str = "stop") -> None:
        self.content = json.dumps(content) if isinstance(content, dict) else content
        self.finish_reason = finish_reason

    def answer_verdict(self, status: str = "HEALTHY", summary: str = "All quiet.", report: str = "Nothing stands out.", recommendations=()) -> None:
        self.answer({"status": status, "summary": summary, "report": report, "recommendations": list(recommendations)})

    def like_llama_cpp(self) -> None:
        self.accepted_formats = {"text", "json_object"}

    def fail(self, status: int, message: str, *, error_type: str = "invalid_request_error") -> None:
        self.error = (status, {"error": {"message": message, "type": error_type, "code": status}})

    @property
    def formats_asked(self) -> list[str]:
        return [(r.json.get("response_format") or {"type": "text"})["type"] for r in self.requests]

    # --- protocol -----------------------------------------------------------
    def handle(self, request: Request):
        if request.method != "POST" or request.path != "/v1/chat/completions":
            return 404, {"error": {"message": f"no route {request.method} {request.path}", "type": "not_found"}}, None
        if self.error:
            return self.error[0], self.error[1], None
        body = request.json
        kind = (body.get("response_format") or {"type": "text"}).get("type")
        if kind not in self.accepted_formats:
            allowed = " or ".join(f'"{k}"' for k in sorted(self.accepted_formats))
            message = f"response_format type must be one of {allowed}, but got: {kind}"
            return 400, {"error": {"code": 400, "message": message, "type": "invalid_request_error"}}, None
        return 200, {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": 1700000000,
            "model": self.model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": self.content}, "finish_reason": self.finish_reason}],
            "usage": {**self.usage, "total_tokens": sum(self.usage.values())},
        }, None
