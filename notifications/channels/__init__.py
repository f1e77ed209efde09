"""Channels: registry of ``kind -> class`` (dotted paths, imported lazily) and one ``deliver``."""

from __future__ import annotations

import logging

from django.utils.module_loading import import_string

from notifications.channels.base import Channel, Message, NotConfigured, TransportError
from notifications.models import Delivery

CHANNELS = {
    "email": "notifications.channels.email.EmailChannel",
    "sms": "notifications.channels.sms.SMSChannel",
}

__all__ = ["CHANNELS", "Channel", "Message", "NotConfigured", "TransportError", "deliver", "get_channel"]
logger = logging.getLogger(__name__)


def get_channel(kind: str) -> Channel:
    return import_string(CHANNELS[kind])()


def deliver(kind: str, recipient: str, message: Message, *, monitor, run=None, attempt: int = 1) -> Delivery:
    """Send one message to one recipient and record the attempt, whatever happens."""
    delivery = Delivery(monitor=monitor, run=run, channel=kind, recipient=recipient, attempt=attempt, message_id=message.identity)
    try:
        delivery.response_code = get_channel(kind).send(recipient, message)
        delivery.outcome = Delivery.Outcome.SENT
    except NotConfigured as exc:
        delivery.outcome, delivery.error = Delivery.Outcome.SKIPPED, str(exc)
        logger.info("%s to %s skipped (%s): %s", kind, recipient, exc, message.short)
    except TransportError as exc:
        delivery.outcome, delivery.error, delivery.response_code = Delivery.Outcome.FAILED, str(exc), exc.response_code
        logger.warning("%s to %s failed: %s", kind, recipient, exc)
    except Exception as exc:  # a bug in one channel must not cost the run or the other deliveries
        delivery.outcome, delivery.error = Delivery.Outcome.FAILED, f"unexpected error: {exc!r}"
        logger.exception("%s to %s crashed", kind, recipient)
    delivery.save()
    return delivery
