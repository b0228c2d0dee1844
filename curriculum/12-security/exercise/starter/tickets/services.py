"""Write operations of the helpdesk. Views validate input and call these."""

from django.contrib.auth import get_user_model

from tickets.models import Ticket


def account_register(*, username, password):
    """Create a customer account.

    TODO(passwords): what does this store in the password column? Logging in with the new
    account fails, and anyone who reads the database can read every password.
    """
    return get_user_model().objects.create(username=username, password=password)


def ticket_create(*, owner, title, body):
    return Ticket.objects.create(owner=owner, title=title, body=body)


def ticket_close(*, ticket):
    ticket.status = Ticket.Status.CLOSED
    ticket.save(update_fields=["status"])
    return ticket
