"""Visible tests for the help desk pages. Run them with ``pytest``."""

import pytest
from django.contrib.auth import get_user_model

from desk.models import Comment, Ticket

User = get_user_model()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(db):
    return User.objects.create_user(username="alice", password="a-long-passphrase")


@pytest.fixture
def ticket(alice):
    return Ticket.objects.create(requester=alice, title="Printer jam", description="Paper everywhere.")


def test_requester_sees_the_ticket(client, alice, ticket):
    client.force_login(alice)
    response = client.get(f"/tickets/{ticket.pk}/")
    assert response.status_code == 200
    assert "Printer jam" in response.content.decode()


def test_comment_is_added(client, alice, ticket):
    client.force_login(alice)
    client.post(f"/tickets/{ticket.pk}/comments/", {"body": "Still jammed."})
    assert Comment.objects.get().body == "Still jammed."


def test_missing_ticket_is_404(client, alice):
    client.force_login(alice)
    assert client.get("/tickets/424242/").status_code == 404


def test_list_requires_login(client):
    response = client.get("/tickets/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_description_is_escaped(client, alice):
    ticket = Ticket.objects.create(requester=alice, title="XSS", description="<b>bold</b>")
    client.force_login(alice)
    html = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
