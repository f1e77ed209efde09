"""The channel family: one verb, ``send(recipient, message)``."""

from __future__ import annotations

from dataclasses import dataclass


class TransportError(Exception):
    """Sending failed. ``permanent`` when a retry cannot help (bad address, 4xx)."""

    def __init__(self, message: str, *, permanent: bool = False, response_code: int | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.response_code = response_code


class NotConfigured(Exception):
    """The channel has no credentials here; the attempt is recorded as skipped."""


@dataclass
class Message:
    """What people are told about a run, rendered from templates once per run."""

    subject: str
    text: str
    html: str
    short: str
    identity: str = ""


class Channel:
    """Base class: ``send`` returns the response code (if any) or raises TransportError/NotConfigured."""

    kind = ""

    def send(self, recipient: str, message: Message) -> int | None:
        raise NotImplementedError
