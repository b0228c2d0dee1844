"""Writes to the schedule.

TODO(invalidation): once the selectors cache their results, every write here must
invalidate the cached values it changes, so that stale data is never served. Think about
*when*: what can another request do between your delete and the commit?
"""

from django.db import transaction

from schedule.models import Session


@transaction.atomic
def session_create(*, course, city, starts_at, capacity=20):
    session = Session.objects.create(course=course, city=city, starts_at=starts_at, capacity=capacity)
    return session


@transaction.atomic
def session_cancel(*, session):
    session.status = Session.Status.CANCELLED
    session.save(update_fields=["status"])
    return session
