"""Visible tests for the events API. Run them with ``pytest``."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from events.models import Event

User = get_user_model()
START = datetime(2031, 3, 1, 18, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 is slow on purpose; tests hash with MD5 (still a hash, never the raw password)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def organizer(db):
    return User.objects.create_user(username="ada", email="ada@example.com", password="a-long-passphrase")


@pytest.fixture
def logged_in(organizer):
    api = APIClient()
    api.force_authenticate(organizer)
    return api


def new_event(**changes):
    data = {
        "title": "Django Night",
        "slug": "django-night",
        "starts_at": "2031-03-01T18:00:00Z",
        "ends_at": "2031-03-01T21:00:00Z",
        "capacity": 50,
    }
    data.update(changes)
    return data


def test_event_list_hides_internal_notes(organizer):
    Event.objects.create(
        title="Django Night", slug="django-night", organizer=organizer, starts_at=START,
        ends_at=START + timedelta(hours=3), capacity=50, internal_notes="The venue is not booked yet.",
    )
    response = APIClient().get("/api/events/")
    assert response.status_code == 200
    (event,) = response.json()
    assert "internal_notes" not in event
    assert event["organizer"] == "ada"


def test_signup_never_returns_the_password(db):
    response = APIClient().post(
        "/api/signup/", {"username": "grace", "email": "grace@example.com", "password": "a-long-passphrase"}
    )
    assert response.status_code == 201
    assert "password" not in response.json()


def test_create_event_sets_organizer_from_request(logged_in, organizer):
    response = logged_in.post("/api/events/", new_event())
    assert response.status_code == 201
    assert Event.objects.get().organizer == organizer


def test_anonymous_cannot_create_events(db):
    response = APIClient().post("/api/events/", new_event())
    assert response.status_code == 403
    assert not Event.objects.exists()


def test_end_before_start_is_refused(logged_in):
    response = logged_in.post("/api/events/", new_event(ends_at="2031-03-01T17:00:00Z"))
    assert response.status_code == 400
    assert "ends_at" in response.json()
