"""Visible tests for the catalogue. Run them with ``pytest``; the hidden tests go further."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from schedule import selectors, services
from schedule.models import Course, Session


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()  # the local-memory cache lives as long as the test process
    yield
    cache.clear()


@pytest.fixture
def django_course(db):
    course = Course.objects.create(title="Django basics")
    Session.objects.create(course=course, city="Lyon", starts_at=timezone.now() + timedelta(days=3))
    return course


def test_catalogue_counts_upcoming_sessions(django_course):
    assert selectors.course_catalogue() == [{"id": django_course.pk, "title": "Django basics", "upcoming": 1}]


def test_second_call_runs_no_query(django_course, django_assert_num_queries):
    selectors.course_catalogue()
    with django_assert_num_queries(0):
        selectors.course_catalogue()


def test_new_session_shows_up(django_course, django_capture_on_commit_callbacks):
    selectors.course_catalogue()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_create(course=django_course, city="Paris", starts_at=timezone.now() + timedelta(days=9))
    assert selectors.course_catalogue()[0]["upcoming"] == 2


def test_upcoming_index_exists():
    names = {index.name for index in Session._meta.indexes}
    assert "session_status_city_start_idx" in names
