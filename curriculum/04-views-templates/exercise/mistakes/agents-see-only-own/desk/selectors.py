"""Read queries (selectors) for the help desk pages."""

from django.db.models import Count, Prefetch

from desk.models import Comment, Ticket


def tickets_visible_to(user):
    """The tickets ``user`` may open: their own, or every ticket for agents (desk.close_ticket)."""
    return Ticket.objects.filter(requester=user)


def ticket_list_for(user):
    """The user's own tickets, newest first, with the assignee and the comment count in one query."""
    return (
        Ticket.objects.filter(requester=user)
        .select_related("assignee")
        .annotate(comment_count=Count("comments"))
        .order_by("-created_at", "-pk")
    )


def ticket_detail_queryset(user):
    """Visible tickets with their requester, and their comments with each author, in three queries."""
    comments = Comment.objects.select_related("author").order_by("created_at", "pk")
    return tickets_visible_to(user).select_related("requester").prefetch_related(Prefetch("comments", comments))
