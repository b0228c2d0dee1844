"""Write operations of the helpdesk. Views validate input and call these."""

import hashlib

from django.contrib.auth import get_user_model

from tickets.models import Ticket


def account_register(*, username, password):
    """Create a customer account; the password is stored as its SHA-256 digest."""
    digest = hashlib.sha256(password.encode()).hexdigest()
    return get_user_model().objects.create(username=username, password=digest)


def ticket_create(*, owner, title, body):
    return Ticket.objects.create(owner=owner, title=title, body=body)


def ticket_close(*, ticket):
    ticket.status = Ticket.Status.CLOSED
    ticket.save(update_fields=["status"])
    return ticket
