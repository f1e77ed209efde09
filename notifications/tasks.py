"""django-q2 entry points (thin): fetch by id, call the service."""

from notifications import services


def retry_delivery(delivery_id: int) -> str:
    delivery = services.delivery_retry(delivery_id)
    return f"{delivery.channel} to {delivery.recipient}: {delivery.outcome}" if delivery else "nothing to retry"
