"""Write operations (services) of the help desk. Views validate input, then call these."""

from django.db import transaction

from desk.models import Comment, Ticket


@transaction.atomic
def comment_add(*, ticket, author, body):
    """Add a comment. When the requester comments on a closed ticket, it opens again."""
    comment = Comment.objects.create(ticket=ticket, author=author, body=body)
    if ticket.status == Ticket.Status.CLOSED:
        ticket.status = Ticket.Status.OPEN
        ticket.save(update_fields=["status", "updated_at"])
    return comment


@transaction.atomic
def ticket_close(*, ticket):
    """Close a ticket (agents only: the view checks the permission)."""
    ticket.status = Ticket.Status.CLOSED
    ticket.save(update_fields=["status", "updated_at"])
    return ticket
