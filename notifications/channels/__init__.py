"""Channels: registry of ``kind -> class`` (dotted paths, imported lazily) and one ``deliver``."""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from logmonitor.lib.http import OutboundError
from notifications.channels.base import Channel, Message, NotConfigured, TransportError
from notifications.models import Delivery

CHANNELS = {
    "email": "notifications.channels.email.EmailChannel",
    "sms": "notifications.channels.sms.SMSChannel",
    "webhook": "notifications.channels.webhook.WebhookChannel",
    "remediation": "notifications.channels.webhook.RemediationChannel",
}

__all__ = ["CHANNELS", "Channel", "Message", "NotConfigured", "TransportError", "deliver", "get_channel", "record_skipped", "retry_delay"]
logger = logging.getLogger(__name__)


def get_channel(kind: str) -> Channel:
    """A channel instance by kind, imported on first use (an SDK is loaded only where it sends)."""
    return import_string(CHANNELS[kind])()


def deliver(kind: str, recipient: str, message: Message, *, monitor, run=None, attempt: int = 1) -> Delivery:
    """Send one message to one recipient and record the attempt, whatever happens.

    A transient failure below ``NOTIFY_MAX_ATTEMPTS`` queues a retry (after
    the surrounding transaction commits) that resends the same message.
    """
    delivery = Delivery(
        monitor=monitor, run=run, channel=kind, recipient=recipient, attempt=attempt, message_id=message.identity, event=message.event
    )
    try:
        delivery.response_code = get_channel(kind).send(recipient, message, monitor=monitor)
        delivery.outcome = Delivery.Outcome.SENT
    except NotConfigured as exc:
        delivery.outcome, delivery.error = Delivery.Outcome.SKIPPED, str(exc)
        logger.info("%s to %s skipped (%s): %s", kind, recipient, exc, message.short)
    except OutboundError as exc:
        delivery.outcome, delivery.error, delivery.response_code = Delivery.Outcome.FAILED, str(exc), exc.response_code
        if not exc.permanent and attempt < settings.NOTIFY_MAX_ATTEMPTS:
            delivery.next_attempt_at = timezone.now() + timedelta(seconds=retry_delay(attempt, exc.retry_after))
            delivery.payload = message.as_payload()
            delivery.error += f" (retry {attempt + 1} of {settings.NOTIFY_MAX_ATTEMPTS} queued)"
        logger.warning("%s to %s failed (attempt %s): %s", kind, recipient, attempt, exc)
    except Exception as exc:  # a bug in one channel must not cost the run or the other deliveries
        delivery.outcome, delivery.error = Delivery.Outcome.FAILED, f"unexpected error: {exc!r}"
        logger.exception("%s to %s crashed", kind, recipient)
    delivery.save()
    if delivery.next_attempt_at:
        transaction.on_commit(lambda: _queue_retry(delivery))
    return delivery


def record_skipped(kind: str, recipient: str, message: Message, *, monitor, run=None, reason: str) -> Delivery:
    """Record a message that policy held back (silence, window, rate cap), so the log shows why nothing arrived."""
    logger.info("%s to %s held back (%s): %s", kind, recipient, reason, message.short)
    return Delivery.objects.create(
        monitor=monitor, run=run, channel=kind, recipient=recipient, outcome=Delivery.Outcome.SKIPPED,
        error=reason, message_id=message.identity, event=message.event,
    )


def retry_delay(attempt: int, retry_after: float | None = None) -> float:
    """Exponential backoff with jitter (half fixed, half random), at least the peer's Retry-After."""
    base = min(settings.NOTIFY_RETRY_MAX_SECONDS, settings.NOTIFY_RETRY_BASE_SECONDS * 2 ** (attempt - 1))
    delay = base / 2 + random.uniform(0, base / 2)
    return min(settings.NOTIFY_RETRY_MAX_SECONDS, max(delay, retry_after or 0))


def _queue_retry(delivery: Delivery) -> None:
    # A one-off django-q2 schedule, not async_task: async_task cannot wait,
    # and the backoff must survive a worker restart.
    from django_q.models import Schedule
    from django_q.tasks import schedule

    try:
        schedule(
            "notifications.tasks.retry_delivery",
            delivery.pk,
            name=f"notification-retry-{delivery.pk}",
            schedule_type=Schedule.ONCE,
            next_run=delivery.next_attempt_at,
            repeats=-1,
        )
    except Exception:  # the run is already recorded; a lost retry must not turn into a crashed run
        logger.exception("could not queue the retry of delivery %s", delivery.pk)
