"""Writes to the schedule. Each write invalidates the cached values it changes."""

from django.core.cache import cache
from django.db import transaction

from schedule.models import Session
from schedule.selectors import CATALOGUE_KEY, course_sessions_key


def _invalidate_after_commit(course_id):
    """Delete the cached values after the commit, never before.

    Deleted inside the transaction, a concurrent request could read the old rows (the new ones
    are not committed yet) and put them straight back into the cache. After a rollback,
    on_commit callbacks are dropped: nothing changed, so nothing needs deleting.
    """
    keys = [CATALOGUE_KEY, course_sessions_key(course_id)]
    transaction.on_commit(lambda: cache.delete_many(keys))


@transaction.atomic
def session_create(*, course, city, starts_at, capacity=20):
    session = Session.objects.create(course=course, city=city, starts_at=starts_at, capacity=capacity)
    _invalidate_after_commit(course.pk)
    return session


@transaction.atomic
def session_cancel(*, session):
    session.status = Session.Status.CANCELLED
    session.save(update_fields=["status"])
    return session
