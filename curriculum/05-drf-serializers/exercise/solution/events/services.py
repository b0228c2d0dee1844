"""Write operations (services). Views validate the input with a serializer, then call these."""

from django.contrib.auth import get_user_model
from django.db import transaction

from events.models import Event


@transaction.atomic
def event_create(*, organizer, title, slug, starts_at, ends_at, capacity):
    """Create an event organised by ``organizer``. Staff-only fields keep their defaults."""
    return Event.objects.create(
        organizer=organizer,
        title=title,
        slug=slug,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
    )


@transaction.atomic
def account_sign_up(*, username, email, password):
    """Create a user account; ``create_user`` stores a salted hash, never the password itself."""
    return get_user_model().objects.create_user(username=username, email=email, password=password)
