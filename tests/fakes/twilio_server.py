"""A server that answers like Twilio's Messages API (``POST /2010-04-01/Accounts/{sid}/Messages.json``).

- ``To`` numbers in ``invalid_numbers`` get Twilio's 400 with code 21211 (permanent).
- ``fail_next(status, code, message)`` makes the next answers errors (429/500 for transient cases).
- ``messages``: the form fields of every accepted message; ``requests`` everything received.
"""

from __future__ import annotations

import base64
from urllib.parse import parse_qs

from tests.fakes.json_http import JsonServer, Request

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "twilio-token-do-not-leak"


class TwilioServer(JsonServer):
    def __init__(self):
        super().__init__()
        self.url = self.base_url
        self.messages: list[dict] = []
        self.invalid_numbers = {"+15005550001"}
        self.failures: list[tuple[int, int, str]] = []

    def fail_next(self, status: int, code: int, message: str, *, times: int = 1) -> None:
        self.failures.extend([(status, code, message)] * times)

    def handle(self, request: Request):
        expected_auth = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        if request.headers.get("authorization") != expected_auth:
            return self._error(401, 20003, "Authenticate")
        if request.method != "POST" or request.path != f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json":
            return self._error(404, 20404, f"The requested resource {request.path} was not found")
        form = {k: v[-1] for k, v in parse_qs(request.body if isinstance(request.body, str) else "").items()}
        if self.failures:
            return self._error(*self.failures.pop(0))
        if form.get("To") in self.invalid_numbers:
            return self._error(400, 21211, f"The 'To' number {form.get('To')} is not a valid phone number.")
        self.messages.append(form)
        sid = f"SM{len(self.messages):032d}"
        return 201, {"sid": sid, "status": "queued", "to": form.get("To"), "from": form.get("From"), "body": form.get("Body"), "account_sid": ACCOUNT_SID}, None

    @staticmethod
    def _error(status: int, code: int, message: str):
        return status, {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status}, None
