"""Background tasks of the orders app."""

from celery import shared_task

from orders.emails import send_confirmation_email


# TODO(retries): this retries *every* exception, forever and immediately: a refused address
# (smtplib.SMTPRecipientsRefused) is retried until the end of time. Retry only transient
# errors (see orders/emails.py), with exponential backoff and a small maximum.
@shared_task(autoretry_for=(Exception,), max_retries=None)
def send_order_confirmation(order):
    """E-mail the confirmation of one order.

    TODO(pass-ids): the task receives the Order object. Task arguments are serialised as JSON
    and the task runs later, in another process: take the order's id and load the row here.
    TODO(idempotent): Celery delivers at least once. A retry or a redelivery sends a second
    e-mail. Record the sending in Order.confirmation_sent_at and skip when already done; an
    order that no longer exists is skipped too (and not retried).
    """
    send_confirmation_email(to=order.email, order_number=order.pk, total=order.total)
