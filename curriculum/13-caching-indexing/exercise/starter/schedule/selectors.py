"""Read-side queries of the course catalogue."""

from django.db.models import Count, Q
from django.utils import timezone

from schedule.models import Course, Session

# TODO(cache-keys): cache course_catalogue() under exactly this key, for CATALOGUE_TIMEOUT
# seconds, and course_sessions() under course_sessions_key(course_id).
CATALOGUE_KEY = "catalogue:courses:v1"
CATALOGUE_TIMEOUT = 600


def course_sessions_key(course_id):
    return f"catalogue:course:{course_id}:sessions:v1"


def upcoming_sessions(city, limit=20):
    """The next open sessions in a city, soonest first. The busiest query of the site."""
    return list(
        Session.objects.filter(status=Session.Status.OPEN, city=city, starts_at__gte=timezone.now())
        .order_by("starts_at")
        .values("id", "course_id", "city", "starts_at")[:limit]
    )


def course_catalogue():
    """Every course, by title, with its number of upcoming open sessions.

    ``[{"id": 1, "title": "Django basics", "upcoming": 3}, ...]``

    TODO(cache-framework): the home page calls this on every request and it counts over every
    session. Cache the result (plain data, not a queryset), so that a second call runs no query.
    """
    upcoming = Q(sessions__status=Session.Status.OPEN, sessions__starts_at__gte=timezone.now())
    return list(
        Course.objects.annotate(upcoming=Count("sessions", filter=upcoming))
        .order_by("title", "pk")
        .values("id", "title", "upcoming")
    )


def course_sessions(course_id):
    """The sessions of one course that are not cancelled, soonest first.

    TODO(cache-keys): cache this too, one entry per course.
    """
    return list(
        Session.objects.filter(course_id=course_id)
        .exclude(status=Session.Status.CANCELLED)
        .order_by("starts_at", "pk")
        .values("id", "city", "status", "starts_at")
    )
