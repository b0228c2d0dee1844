"""Read queries (selectors) for the events API."""

from events.models import Event


def event_list():
    """Every event in date order.

    TODO(serializer-queries): the API shows each event's organizer by username. Make sure
    listing 100 events does not run 100 extra queries to read their organizers.
    """
    return Event.objects.order_by("starts_at", "pk")
