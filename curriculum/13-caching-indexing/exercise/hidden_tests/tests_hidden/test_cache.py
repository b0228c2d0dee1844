"""Hidden checks: cached selectors serve no query, use exact keys, and writes invalidate after commit."""

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from schedule import selectors, services
from schedule.models import Course, Session

CATALOGUE_KEY = "catalogue:courses:v1"
CATALOGUE_TIMEOUT = 600  # README.md: the catalogue is cached for CATALOGUE_TIMEOUT = 600 seconds


def sessions_key(course_id):
    return f"catalogue:course:{course_id}:sessions:v1"


@pytest.fixture(autouse=True)
def empty_cache():
    """The local-memory cache lives as long as the process: start and end every check empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def courses(db):
    soon = timezone.now() + timedelta(days=2)
    django = Course.objects.create(title="Django basics")
    celery = Course.objects.create(title="Celery in practice")
    Session.objects.create(course=django, city="Lyon", starts_at=soon)
    Session.objects.create(course=django, city="Paris", starts_at=soon + timedelta(days=7))
    Session.objects.create(course=django, city="Paris", starts_at=soon, status=Session.Status.CANCELLED)
    Session.objects.create(course=celery, city="Lyon", starts_at=soon + timedelta(days=1))
    Session.objects.create(course=celery, city="Lyon", starts_at=timezone.now() - timedelta(days=30))
    return django, celery


def assert_cached(*keys):
    missing = [key for key in keys if cache.get(key) is None]
    assert not missing, (
        f"Nothing is cached under {missing}: cache the selectors first (a cache that caches nothing is trivially "
        "fresh, so this check needs a cached value to invalidate)."
    )


def expected_catalogue(django, celery, django_upcoming=2):
    return [
        {"id": celery.pk, "title": "Celery in practice", "upcoming": 1},
        {"id": django.pk, "title": "Django basics", "upcoming": django_upcoming},
    ]


def test_catalogue_second_call_hits_no_database(courses, django_assert_num_queries):
    django, celery = courses
    first = selectors.course_catalogue()
    assert len(list(first)) == 2, f"course_catalogue() must list both courses. Got {first!r}."
    with django_assert_num_queries(0, info="The second call must be served from the cache, without any SQL."):
        second = selectors.course_catalogue()
        second = list(second)
    assert second == list(first)


def test_catalogue_cache_key_and_value(courses):
    django, celery = courses
    selectors.course_catalogue()
    stored = cache.get(CATALOGUE_KEY)
    assert stored is not None, (
        f"After course_catalogue(), nothing is cached under {CATALOGUE_KEY!r}. Use exactly the key README.md "
        "gives: other parts of the site (and the invalidation) rely on it, and its 'v1' lets a deploy that "
        "changes the value's shape simply move to 'v2'."
    )
    plain = type(stored) is list and all(type(row) is dict for row in stored)
    assert plain, (
        f"The cache holds {type(stored).__name__}: {stored!r}. Cache plain data (a list of dicts from values()), "
        "not a queryset or model instances: they are pickled with their query and can run it again."
    )
    expected = expected_catalogue(django, celery)
    assert stored == expected, (
        "The cached catalogue has the wrong rows: every course by title, and as 'upcoming' the number of its "
        "open sessions that start from now on (cancelled and past sessions do not count).\n"
        f"Expected {expected!r}\nGot      {stored!r}"
    )


def test_course_sessions_cached_per_course(courses, django_assert_num_queries):
    django, celery = courses
    django_sessions = selectors.course_sessions(django.pk)
    celery_sessions = selectors.course_sessions(celery.pk)
    assert [s["city"] for s in django_sessions] == ["Lyon", "Paris"], f"Django basics: {django_sessions!r}"
    assert len(celery_sessions) == 2 and all(s["city"] == "Lyon" for s in celery_sessions), (
        f"course_sessions() for 'Celery in practice' returned {celery_sessions!r}. If it shows Django's sessions, "
        "the cache key does not contain the course id: every course shares one entry."
    )
    with django_assert_num_queries(0, info="Repeated course_sessions() calls must come from the cache."):
        selectors.course_sessions(django.pk)
        selectors.course_sessions(celery.pk)
    assert cache.get(sessions_key(celery.pk)) is not None, f"Expected a cache entry under {sessions_key(celery.pk)!r}."


def test_new_session_invalidates(courses, django_capture_on_commit_callbacks):
    django, celery = courses
    selectors.course_catalogue()
    selectors.course_sessions(django.pk)
    assert_cached(CATALOGUE_KEY, sessions_key(django.pk))
    with django_capture_on_commit_callbacks(execute=True):
        services.session_create(course=django, city="Nantes", starts_at=timezone.now() + timedelta(days=20))
    catalogue = selectors.course_catalogue()
    cities = [s["city"] for s in selectors.course_sessions(django.pk)]
    assert list(catalogue) == expected_catalogue(django, celery, django_upcoming=3) and "Nantes" in cities, (
        "After session_create() committed, the catalogue and the course's sessions still show the old data: "
        f"{catalogue!r}, {cities!r}. A write must invalidate every cached value it changes."
    )


def test_cancel_invalidates(courses, django_capture_on_commit_callbacks):
    django, celery = courses
    selectors.course_catalogue()
    selectors.course_sessions(django.pk)
    assert_cached(CATALOGUE_KEY, sessions_key(django.pk))
    lyon = Session.objects.get(course=django, city="Lyon")
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(session=lyon)
    cities = [s["city"] for s in selectors.course_sessions(django.pk)]
    catalogue = selectors.course_catalogue()
    assert cities == ["Paris"] and list(catalogue) == expected_catalogue(django, celery, django_upcoming=1), (
        f"After cancelling the Lyon session: sessions {cities!r}, catalogue {catalogue!r}. Cancelling changes both "
        "cached values: session_cancel() must invalidate them as session_create() does."
    )


def test_invalidation_waits_for_commit(courses, django_capture_on_commit_callbacks):
    django, _ = courses
    selectors.course_catalogue()
    selectors.course_sessions(django.pk)
    with django_capture_on_commit_callbacks() as callbacks:
        services.session_create(course=django, city="Nantes", starts_at=timezone.now() + timedelta(days=20))
        before_commit = cache.get(CATALOGUE_KEY), cache.get(sessions_key(django.pk))
    assert None not in before_commit, (
        "The cache was cleared while the transaction was still open. Another request can then read the old, "
        "committed rows and put them straight back: stale until the timeout. Delete in "
        "transaction.on_commit(...)."
    )
    for callback in callbacks:
        callback()
    assert cache.get(CATALOGUE_KEY) is None and cache.get(sessions_key(django.pk)) is None, (
        "After the commit the cached catalogue and course sessions must be gone."
    )


def test_empty_results_are_cached_too(db, django_assert_num_queries):
    assert selectors.course_catalogue() == [], "With no course at all the catalogue is an empty list."
    lonely = Course.objects.create(title="Nobody teaches this yet")
    cache.clear()
    selectors.course_catalogue()
    assert selectors.course_sessions(lonely.pk) == [], "A course without sessions has an empty list of sessions."
    with django_assert_num_queries(
        0,
        info="An empty result is a result: [] must be cached like any other value. Test for a missing entry "
        "with `is None` (or a sentinel default), not with `if not value`, which recomputes every empty list.",
    ):
        selectors.course_sessions(lonely.pk)
        selectors.course_sessions(lonely.pk)


class Clock:
    """Stands in for time.time(), which the cache backend reads to decide what has expired."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def test_catalogue_expires_after_its_timeout(courses, monkeypatch, django_assert_num_queries):
    clock = Clock(time.time())
    monkeypatch.setattr(time, "time", clock)
    selectors.course_catalogue()
    start = clock.now
    clock.now = start + CATALOGUE_TIMEOUT - 5
    with django_assert_num_queries(
        0,
        info=f"{CATALOGUE_TIMEOUT - 5} seconds after it was cached, the catalogue must still come from the cache: "
        f"cache it for CATALOGUE_TIMEOUT ({CATALOGUE_TIMEOUT}) seconds, not the cache's default timeout.",
    ):
        selectors.course_catalogue()
    clock.now = start + CATALOGUE_TIMEOUT + 5
    with django_assert_num_queries(
        1,
        info=f"{CATALOGUE_TIMEOUT + 5} seconds after it was cached, the catalogue must be computed again: pass "
        f"CATALOGUE_TIMEOUT ({CATALOGUE_TIMEOUT}) as the timeout. timeout=None never expires, so a count of "
        "upcoming sessions would drift forever as sessions pass.",
    ):
        selectors.course_catalogue()
