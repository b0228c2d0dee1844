"""Visible tests for the helpdesk. Run them with ``pytest``; the hidden tests go further."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tickets.models import Ticket


def make_user(username):
    # Logged in with force_login(): no password to hash (hashing is slow on purpose).
    user = get_user_model()(username=username)
    user.set_unusable_password()
    user.save()
    return user


@pytest.fixture
def alice(db):
    return make_user("alice")


@pytest.fixture
def bob(db):
    return make_user("bob")


def test_owner_sees_their_ticket(client, alice):
    ticket = Ticket.objects.create(owner=alice, title="Printer on fire", body="Smoke everywhere.")
    client.force_login(alice)
    response = client.get(f"/tickets/{ticket.pk}/")
    assert response.status_code == 200
    assert "Printer on fire" in response.content.decode()


def test_other_customers_ticket_is_not_found(client, alice, bob):
    ticket = Ticket.objects.create(owner=alice, title="My invoice", body="Account 12345")
    client.force_login(bob)
    assert client.get(f"/tickets/{ticket.pk}/").status_code == 404


def test_close_needs_a_csrf_token(alice):
    ticket = Ticket.objects.create(owner=alice, title="Done", body="Thanks")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    assert browser.post(f"/tickets/{ticket.pk}/close/").status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN


def test_script_in_body_is_escaped(client, alice):
    ticket = Ticket.objects.create(owner=alice, title="XSS", body="<script>alert(1)</script>")
    client.force_login(alice)
    html = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_signup_stores_a_hash(client, db):
    response = client.post("/accounts/signup/", {"username": "carol", "password": "correct-horse-battery"})
    assert response.status_code == 302
    carol = get_user_model().objects.get(username="carol")
    assert carol.password != "correct-horse-battery"
    assert carol.check_password("correct-horse-battery")
