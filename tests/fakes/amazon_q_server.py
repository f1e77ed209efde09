"""An Amazon Q Business peer on loopback answering ChatSync through ``endpoint_url``.

``POST /applications/{applicationId}/conversations?sync`` with the JSON body
botocore sends (``userMessage``...) and ``userId`` in the query string; it
answers ``{"systemMessage": ...}`` like the service. ``fail(status, code,
message)`` answers an AWS error (``x-amzn-ErrorType`` header + JSON message);
``hang_seconds`` delays answers; ``requests`` records what arrived.

    def test_x(amazon_q_server):        # tests/conftest.py points the settings at it
        amazon_q_server.answer_verdict(status="CRITICAL")
"""

from __future__ import annotations

import json
import re

from tests.fakes.json_http import JsonServer, Request

CHAT_SYNC = re.compile(r"^/applications/(?P<application_id>[^/]+)/conversations$")
APPLICATION_ID = "a1b2c3d4-0000-4000-8000-123456789abc"


class AmazonQServer(JsonServer):
    def __init__(self):
        super().__init__()
        self.url = self.base_url
        self.content = json.dumps({"status": "HEALTHY", "summary": "All quiet.", "report": "Nothing stands out.", "recommendations": []})
        self.error: tuple[int, str, str] | None = None

    def answer(self, content: str | dict) -> None:
        self.content = json.dumps(content) if isinstance(content, dict) else content

    def answer_verdict(self, status: str = "HEALTHY", summary: str = "All quiet.", report: str = "Nothing stands out.", recommendations=()) -> None:
        self.answer({"status": status, "summary": summary, "report": report, "recommendations": list(recommendations)})

    def fail(self, status: int, code: str, message: str) -> None:
        self.error = (status, code, message)

    def handle(self, request: Request):
        match = CHAT_SYNC.match(request.path)
        if request.method != "POST" or not match or "sync" not in request.query:
            return 404, {"message": f"no route {request.method} {request.path}"}, {"x-amzn-ErrorType": "ResourceNotFoundException"}
        if self.error:
            status, code, message = self.error
            return status, {"message": message}, {"x-amzn-ErrorType": code}
        return 200, {
            "conversationId": "c0000000-0000-4000-8000-000000000001",
            "systemMessage": self.content,
            "systemMessageId": "m0000000-0000-4000-8000-000000000002",
            "userMessageId": "m0000000-0000-4000-8000-000000000003",
        }, None
