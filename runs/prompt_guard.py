"""Fence the logs inside the prompt so they stay data, never instructions.

The logs go between an opening and a closing delimiter that both carry a
random per-run nonce; the system prompt says that everything between them is
untrusted data. A line in the logs cannot close the fence early: it cannot
guess the nonce, and anything shaped like a delimiter is removed anyway
(defence in depth, and it keeps the model from being confused by look-alikes).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

NONCE_BYTES = 16  # 128 bits: not guessable within a run
OPENING = "<<<LOGS {nonce}>>>"
CLOSING = "<<<END LOGS {nonce}>>>"
REMOVED = "[fence marker removed]"
# Any "<<<LOGS ...>>>" / "<<<END LOGS ...>>>" / "<<</LOGS" look-alike, with or without a nonce.
DELIMITER_LIKE = re.compile(r"<<<[^\S\n]*(?:/|END[^\S\n_-]*[_-]?)?[^\S\n]*LOGS\b[^<>\n]{0,200}(?:>>>)?", re.IGNORECASE)


@dataclass(frozen=True)
class Fenced:
    """The fenced logs: ``text`` is ``opening``, the cleaned logs (``body``), ``closing``, one per line."""

    nonce: str
    opening: str
    closing: str
    text: str
    body: str
    removed: int = 0


def fence(logs_text: str) -> Fenced:
    """Wrap ``logs_text`` in delimiters carrying a fresh random nonce, first removing any look-alikes from it."""
    body, removed = DELIMITER_LIKE.subn(REMOVED, logs_text)
    nonce = secrets.token_hex(NONCE_BYTES)
    while nonce in body:  # never in practice (2**-128); but then the fence would not be unique
        nonce = secrets.token_hex(NONCE_BYTES)
    opening, closing = OPENING.format(nonce=nonce), CLOSING.format(nonce=nonce)
    return Fenced(nonce, opening, closing, f"{opening}\n{body}\n{closing}", body, removed)
