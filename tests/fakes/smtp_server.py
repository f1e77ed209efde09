"""An SMTP server on loopback (aiosmtpd) that records what it accepts.

Recipients whose local part starts with ``reject`` get ``550`` (permanent),
``busy`` get ``451`` (temporary), like real servers' answers;
``temporary_failures = n`` makes the next n recipients get ``451`` too.

    with SMTPServer() as smtp:            # settings.EMAIL_HOST/PORT must point at smtp.port
        ...
        smtp.messages[0]["To"], smtp.messages[0].get_body(("plain",)).get_content()
"""

from __future__ import annotations

import email
import email.policy
import socket

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Handler:
    def __init__(self, server: SMTPServer):
        self.server = server

    async def handle_RCPT(self, smtp_server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("reject"):
            return "550 5.1.1 No such user here"
        if local.startswith("busy") or self.server.temporary_failures > 0:
            self.server.temporary_failures -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp_server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.server.messages.append(message)
        return "250 Message accepted"


class SMTPServer:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.temporary_failures = 0
        self.port = free_port()
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
