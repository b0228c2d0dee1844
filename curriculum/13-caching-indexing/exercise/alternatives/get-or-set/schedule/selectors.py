"""Read-side queries of the course catalogue."""

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from schedule.models import Course, Session

CATALOGUE_KEY = "catalogue:courses:v1"
CATALOGUE_TIMEOUT = 600  # seconds; writes invalidate the key, the timeout only bounds the drift of "upcoming"


def course_sessions_key(course_id):
    return f"catalogue:course:{course_id}:sessions:v1"


def upcoming_sessions(city, limit=20):
    """The next open sessions in a city, soonest first (served by session_status_city_start_idx)."""
    return list(
        Session.objects.filter(status=Session.Status.OPEN, city=city, starts_at__gte=timezone.now())
        .order_by("starts_at")
        .values("id", "course_id", "city", "starts_at")[:limit]
    )


def course_catalogue():
    """Every course, by title, with its number of upcoming open sessions. Cached.

    ``[{"id": 1, "title": "Django basics", "upcoming": 3}, ...]``; plain dicts, so the cache
    stores data (not a queryset or model instances that would query again).
    """
    def compute():
        upcoming = Q(sessions__status=Session.Status.OPEN, sessions__starts_at__gte=timezone.now())
        return list(
            Course.objects.annotate(upcoming=Count("sessions", filter=upcoming))
            .order_by("title", "pk")
            .values("id", "title", "upcoming")
        )

    # get_or_set() stores whatever compute() returns, an empty list included.
    return cache.get_or_set(CATALOGUE_KEY, compute, CATALOGUE_TIMEOUT)


def course_sessions(course_id):
    """The sessions of one course that are not cancelled, soonest first. Cached per course."""
    return cache.get_or_set(
        course_sessions_key(course_id),
        lambda: list(
            Session.objects.filter(course_id=course_id)
            .exclude(status=Session.Status.CANCELLED)
            .order_by("starts_at", "pk")
            .values("id", "city", "status", "starts_at")
        ),
        CATALOGUE_TIMEOUT,
    )
