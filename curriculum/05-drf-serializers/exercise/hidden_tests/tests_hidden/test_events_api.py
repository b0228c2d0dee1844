"""Hidden checks for /api/events/: exact JSON out, validation and server-controlled fields in."""

import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from events.models import Event

User = get_user_model()
LIST_URL = "/api/events/"
START = datetime(2031, 5, 14, 18, 0, tzinfo=UTC)
OUTPUT_KEYS = ["id", "title", "slug", "organizer", "starts_at", "ends_at", "capacity", "is_featured"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 is slow on purpose; tests hash with MD5 (still a hash, never the raw password)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def ada(db):
    return User.objects.create_user(username="ada", email="ada@example.com", password="correct-horse-battery")


@pytest.fixture
def mallory(db):
    return User.objects.create_user(username="mallory", email="mallory@example.com", password="correct-horse-battery")


@pytest.fixture
def client_as_ada(ada):
    api = APIClient()
    api.force_authenticate(ada)
    return api


@pytest.fixture
def events(ada, mallory):
    later = Event.objects.create(
        title="Rust for Pythonistas", slug="rust-for-pythonistas", organizer=mallory,
        starts_at=START + timedelta(days=7), ends_at=START + timedelta(days=7, hours=2), capacity=40,
        internal_notes="Speaker fee not agreed yet.",
    )
    sooner = Event.objects.create(
        title="Django Night", slug="django-night", organizer=ada,
        starts_at=START, ends_at=START + timedelta(hours=3), capacity=120, is_featured=True,
        internal_notes="Venue owes us a refund.",
    )
    return sooner, later


def expected(event, organizer, start, end):
    return {
        "id": event.pk,
        "title": event.title,
        "slug": event.slug,
        "organizer": organizer,
        "starts_at": start,
        "ends_at": end,
        "capacity": event.capacity,
        "is_featured": event.is_featured,
    }


def payload(**changes):
    data = {
        "title": "PyData Meetup",
        "slug": "pydata-meetup",
        "starts_at": "2031-06-01T17:00:00Z",
        "ends_at": "2031-06-01T20:00:00Z",
        "capacity": 80,
    }
    data.update(changes)
    return data


def test_event_list_exact_json(events):
    sooner, later = events
    response = APIClient().get(LIST_URL)
    assert response.status_code == 200, f"GET {LIST_URL} must be public: got {response.status_code}"
    body = response.json()
    want = [
        expected(sooner, "ada", "2031-05-14T18:00:00Z", "2031-05-14T21:00:00Z"),
        expected(later, "mallory", "2031-05-21T18:00:00Z", "2031-05-21T20:00:00Z"),
    ]
    assert body == want, (
        f"GET {LIST_URL} must return a plain list of events in date order, each with exactly the keys "
        f"{OUTPUT_KEYS}, the organizer as a username. internal_notes (staff only) and created_at must not be "
        "there: list the output fields explicitly instead of fields = '__all__'.\n"
        f"Got: {body!r}"
    )


def test_event_detail_and_create_hide_internal_fields(events, client_as_ada):
    sooner, _ = events
    detail = APIClient().get(f"{LIST_URL}{sooner.slug}/")
    assert detail.status_code == 200, f"GET {LIST_URL}{sooner.slug}/ must answer 200, got {detail.status_code}"
    assert detail.json() == expected(sooner, "ada", "2031-05-14T18:00:00Z", "2031-05-14T21:00:00Z"), (
        "The detail endpoint must use the same output fields as the list, and nothing more.\n"
        f"Got: {detail.json()!r}"
    )
    missing = APIClient().get(f"{LIST_URL}no-such-event/")
    assert missing.status_code == 404, f"An unknown slug must answer 404, got {missing.status_code}"
    created = client_as_ada.post(LIST_URL, payload(internal_notes="Secret: free beer"), format="json")
    assert created.status_code == 201, f"Got {created.status_code}: {created.content!r}"
    assert sorted(created.json()) == sorted(OUTPUT_KEYS), (
        "The 201 response of a POST must be built by the output serializer: the same keys as the list, "
        f"never internal_notes nor the input as sent. Got keys {sorted(created.json())}"
    )
    for response in (detail, created):
        assert "internal_notes" not in response.content.decode() and "Venue owes" not in response.content.decode()


def test_create_event_ignores_server_controlled_fields(ada, mallory, client_as_ada):
    body = payload(
        is_featured=True, internal_notes="Promoted", organizer=mallory.pk, id=999, created_at="2000-01-01T00:00:00Z"
    )
    response = client_as_ada.post(LIST_URL, body, format="json")
    assert response.status_code == 201, (
        "Unknown or server-controlled keys in the body must be ignored, not rejected: got "
        f"{response.status_code}: {response.content!r}"
    )
    event = Event.objects.get(slug="pydata-meetup")
    assert (event.organizer, event.is_featured, event.internal_notes) == (ada, False, ""), (
        "The client set fields it must never control: the organizer is the logged-in user, is_featured and "
        "internal_notes are staff-only. Leave them out of the input serializer and let the server set them "
        f"(organizer={event.organizer}, is_featured={event.is_featured}, internal_notes={event.internal_notes!r})."
    )
    assert event.pk != 999
    assert response.json() == expected(event, "ada", "2031-06-01T17:00:00Z", "2031-06-01T20:00:00Z"), response.json()


def test_create_event_rejects_end_not_after_start(client_as_ada):
    cases = [("2031-06-01T16:00:00Z", "an hour before the start"), ("2031-06-01T17:00:00Z", "at the start")]
    for ends_at, case in cases:
        response = client_as_ada.post(LIST_URL, payload(ends_at=ends_at), format="json")
        assert response.status_code == 400, (
            f"An event that ends {case} must be refused with 400 (validate() compares the two fields), "
            f"got {response.status_code}: {response.content!r}"
        )
        assert response.json() == {"ends_at": ["The event must end after it starts."]}, (
            "The error must be attached to ends_at, so a form can show it beside that field: raise "
            "serializers.ValidationError({'ends_at': '...'}) in validate(). A plain string lands in "
            f"non_field_errors.\nGot: {response.json()!r}"
        )
    assert not Event.objects.exists(), "A refused event must not be saved."


def test_create_event_slug_normalised_and_unique(events, client_as_ada):
    response = client_as_ada.post(LIST_URL, payload(slug="PyData-Meetup"), format="json")
    assert response.status_code == 201, f"Got {response.status_code}: {response.content!r}"
    assert response.json()["slug"] == "pydata-meetup" and Event.objects.filter(slug="pydata-meetup").exists(), (
        "Slugs are stored in lower case: validate_slug() returns the cleaned value. (On SQL Server the column's "
        "collation is case-insensitive, so 'Django-Night' and 'django-night' collide anyway.)"
    )
    taken = client_as_ada.post(LIST_URL, payload(slug="DJANGO-Night"), format="json")
    assert taken.status_code == 400 and taken.json() == {"slug": ["An event with this slug already exists."]}, (
        "'DJANGO-Night' is the existing 'django-night' in other letters: it must be refused with 400 and "
        "{'slug': ['An event with this slug already exists.']}, not stored as a second event nor crash with an "
        f"IntegrityError.\nGot {taken.status_code}: {taken.content!r}"
    )
    assert Event.objects.count() == 3


def test_create_event_capacity_bounds(client_as_ada):
    cases = [
        (0, {"capacity": ["Ensure this value is greater than or equal to 1."]}),
        (501, {"capacity": ["Ensure this value is less than or equal to 500."]}),
        ("many", {"capacity": ["A valid integer is required."]}),
    ]
    for capacity, error in cases:
        response = client_as_ada.post(LIST_URL, payload(capacity=capacity, slug=f"cap-{capacity}"), format="json")
        assert response.status_code == 400 and response.json() == error, (
            f"capacity={capacity!r} must be refused with 400 and {error!r}: an event has 1 to 500 seats. Declare "
            "the bounds on the serializer field (min_value, max_value): the model's PositiveIntegerField "
            f"allows 0 and anything up to two billion.\nGot {response.status_code}: {response.content!r}"
        )
    assert not Event.objects.exists()


def _shape(sql):
    return re.sub(r"\b\d+\b", "?", re.sub(r'["\[\]`]', "", sql))


def _report(queries):
    groups = Counter(_shape(q["sql"]) for q in queries)
    lines = [f"SQL that ran: {len(queries)} queries (numbers shown as ?):"]
    for text, count in groups.most_common(5):
        marker = "  <-- repeated: one query per event?" if count > 1 else ""
        lines.append(f"  {count:>3} x {text[:300]}{marker}")
    return "\n".join(lines)


def test_event_list_query_count_is_constant(db):
    def add(count, start):
        for i in range(start, start + count):
            organizer = User.objects.create_user(username=f"organizer{i:02d}", password="correct-horse-battery")
            Event.objects.create(
                title=f"Meetup {i:02d}", slug=f"meetup-{i:02d}", organizer=organizer,
                starts_at=START + timedelta(days=i), ends_at=START + timedelta(days=i, hours=2), capacity=30,
            )

    api = APIClient()
    add(3, 0)
    with CaptureQueriesContext(connection) as small:
        first = api.get(LIST_URL)
    add(12, 3)
    with CaptureQueriesContext(connection) as large:
        second = api.get(LIST_URL)
    assert first.status_code == second.status_code == 200
    organizers = [row["organizer"] for row in second.json()]
    assert organizers == [f"organizer{i:02d}" for i in range(15)], f"Organizers listed: {organizers!r}"
    assert len(small) == len(large) <= 2, (
        f"Listing 3 events ran {len(small)} queries, listing 15 ran {len(large)}. The output shows each "
        "organizer's username, so every event reads its organizer: load them in the same query "
        "(select_related) in the queryset behind the list.\n" + _report(large.captured_queries)
    )
