"""Background tasks of the orders app."""

import logging
import smtplib

from celery import shared_task
from django.utils import timezone

from orders.emails import send_confirmation_email
from orders.models import Order

logger = logging.getLogger(__name__)

# Worth another try later. smtplib.SMTPRecipientsRefused (a refused address) is deliberately
# absent: it is an OSError too, and retrying it would fail the same way every time.
TRANSIENT_MAIL_ERRORS = (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError)


@shared_task(
    autoretry_for=TRANSIENT_MAIL_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=None,
)
def send_order_confirmation(order_id):
    """E-mail the confirmation of one order, once.

    Takes the order's id (JSON-friendly; the task reads the current row). Idempotent: a
    second run, a retry or a redelivery after a crash finds confirmation_sent_at set and
    sends nothing.
    """
    order = Order.objects.filter(pk=order_id).prefetch_related("lines").first()
    if order is None:
        logger.warning("confirmation skipped: order %s does not exist", order_id)
        return  # permanent: retrying cannot make the order appear
    if order.confirmation_sent_at is not None:
        return  # an earlier run already sent it
    send_confirmation_email(to=order.email, order_number=order.pk, total=order.total)
    Order.objects.filter(pk=order.pk, confirmation_sent_at__isnull=True).update(confirmation_sent_at=timezone.now())
