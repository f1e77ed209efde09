"""The channel family: one verb, ``send(recipient, message)``."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from logmonitor.lib.http import OutboundError


class TransportError(OutboundError):
    """Sending failed. ``permanent`` when a retry cannot help (bad address, 4xx).

    The HTTP seam raises its parent, ``OutboundError``, with the same fields;
    callers catch ``OutboundError`` for both.
    """


class NotConfigured(Exception):
    """The channel has no credentials here; the attempt is recorded as skipped."""


@dataclass
class Message:
    """What is told about a run, rendered once; retries resend it unchanged.

    ``identity`` stays the same across retries (the incident id for
    remediation, the Message-ID of an email, the ``webhook-id`` header).
    ``data`` is the JSON body for webhook-like channels.
    """

    subject: str = ""
    text: str = ""
    html: str = ""
    short: str = ""
    identity: str = ""
    event: str = ""
    data: dict = field(default_factory=dict)

    def as_payload(self) -> dict:
        # ``data`` as text: PostgreSQL's jsonb reorders keys, and a retry must send the same bytes.
        return {**asdict(self), "data": json.dumps(self.data)}

    @classmethod
    def from_payload(cls, payload: dict) -> Message:
        return cls(**{**payload, "data": json.loads(payload.get("data") or "{}")})


class Channel:
    """Base class: ``send`` returns the response code (if any) or raises TransportError/NotConfigured."""

    kind = ""

    def send(self, recipient: str, message: Message, *, monitor) -> int | None:
        raise NotImplementedError
