"""Write operations of the helpdesk. Views validate input and call these."""

from django.contrib.auth import get_user_model

from tickets.models import Ticket


def account_register(*, username, password):
    """Create a customer account.

    ``create_user`` calls ``set_password``: the database stores a salted, slow hash
    (``pbkdf2_sha256$<iterations>$<salt>$<hash>``), never the password itself.
    """
    return get_user_model().objects.create_user(username=username, password=password)


def ticket_create(*, owner, title, body):
    return Ticket.objects.create(owner=owner, title=title, body=body)


def ticket_close(*, ticket):
    ticket.status = Ticket.Status.CLOSED
    ticket.save(update_fields=["status"])
    return ticket
