"""Email through Django's email framework (SMTP in production): text with an HTML alternative."""

from __future__ import annotations

import smtplib
import socket

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from notifications.channels.base import Channel, Message, TransportError


class EmailChannel(Channel):
    kind = "email"

    def send(self, recipient: str, message: Message, *, monitor) -> int | None:
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[recipient],
            # The same Message-ID on every retry lets mail clients drop a duplicate.
            headers={"Message-ID": f"<{message.identity}@logmonitor>"} if message.identity else None,
            connection=get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT),
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            raise _classified(code, reply) from None
        except smtplib.SMTPResponseException as exc:  # sender refused, data error, auth failed
            raise _classified(exc.smtp_code, exc.smtp_error) from None
        except (smtplib.SMTPException, socket.timeout, OSError) as exc:
            # Disconnected, refused, unreachable, timed out: worth another try.
            raise TransportError(f"SMTP {settings.EMAIL_HOST}:{settings.EMAIL_PORT}: {exc or type(exc).__name__}") from None
        return None


def _classified(code: int, reply) -> TransportError:
    """SMTP 4xx is a temporary failure (retry), 5xx a permanent rejection."""
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return TransportError(f"SMTP {code} {text}", permanent=not (400 <= code < 500), response_code=code)
