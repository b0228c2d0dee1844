"""The confirmation e-mail. Sending goes through Django's e-mail framework (SMTP in production)."""

from django.core.mail import send_mail


def send_confirmation_email(*, to, order_number, total):
    """Send one confirmation. Raises smtplib errors when the mail server fails:

    - ``smtplib.SMTPServerDisconnected``, ``ConnectionError``, ``TimeoutError``: the server
      was unreachable or hung up. Transient: the same e-mail may go through a minute later.
    - ``smtplib.SMTPRecipientsRefused``: the server rejected the address. Permanent: sending
      it again fails the same way.
    """
    send_mail(
        subject=f"Your bookshop order #{order_number}",
        message=f"Thank you for your order #{order_number}. Total: {total} EUR.",
        from_email=None,
        recipient_list=[to],
    )
