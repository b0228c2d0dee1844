"""Write operations (services) of the help desk. Views validate input, then call these.

TODO(thin-views): move the business rules out of desk/views.py into these functions, and make
the views call them. Keep these signatures: the grader calls them directly.
"""


def comment_add(*, ticket, author, body):
    """Save and return a new comment. When the ticket's requester comments on a closed ticket,
    the ticket is open again (an agent's comment does not reopen it)."""
    raise NotImplementedError("TODO: services.comment_add()")


def ticket_close(*, ticket):
    """Close the ticket (the view checks that the user is an agent)."""
    raise NotImplementedError("TODO: services.ticket_close()")
