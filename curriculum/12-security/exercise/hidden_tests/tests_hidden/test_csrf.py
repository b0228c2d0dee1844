"""CSRF: every state-changing request needs the token, and GET never changes state."""

import pytest

from tests_hidden.helpers import browser, csrf_token_in, make_user
from tickets.models import Ticket


@pytest.fixture
def alice(db):
    return make_user("alice")


@pytest.fixture
def open_ticket(alice):
    return Ticket.objects.create(owner=alice, title="Printer on fire", body="Smoke everywhere.")


def test_new_ticket_post_without_csrf_token_is_rejected(alice):
    response = browser(alice).post("/tickets/new/", {"title": "Forged", "body": "Sent by evil.example"})
    assert response.status_code == 403, (
        f"A POST to /tickets/new/ without a CSRF token answered {response.status_code}, not 403. Another site "
        "could make a logged-in customer's browser submit it. CsrfViewMiddleware must be in MIDDLEWARE: it "
        "rejects unsafe requests whose token is missing or wrong."
    )
    assert not Ticket.objects.filter(title="Forged").exists(), "The forged POST created a ticket."


def test_close_without_csrf_token_is_rejected(alice, open_ticket):
    response = browser(alice).post(f"/tickets/{open_ticket.pk}/close/")
    open_ticket.refresh_from_db()
    assert response.status_code == 403 and open_ticket.status == Ticket.Status.OPEN, (
        f"A POST to the close URL without a CSRF token answered {response.status_code} and left the ticket "
        f"{open_ticket.status!r}; it must answer 403 and change nothing. Is the view still @csrf_exempt, or the "
        "middleware missing? Do not silence CSRF errors: send the token."
    )


def test_close_refuses_get(alice, open_ticket):
    client = browser(alice)
    response = client.get(f"/tickets/{open_ticket.pk}/close/")
    open_ticket.refresh_from_db()
    assert response.status_code == 405 and open_ticket.status == Ticket.Status.OPEN, (
        f"GET on the close URL answered {response.status_code} and left the ticket {open_ticket.status!r}. "
        "A link, an <img src> or a prefetching browser can send a GET from anywhere, with no CSRF check: "
        "a view that changes state must accept POST only (405 Method Not Allowed for GET)."
    )


def test_forms_carry_csrf_token_and_work(alice, open_ticket):
    client = browser(alice)
    detail = client.get(f"/tickets/{open_ticket.pk}/").content.decode()
    close_token = csrf_token_in(detail)
    assert close_token, (
        "The ticket page has no csrfmiddlewaretoken field: closing must be a <form method=\"post\"> "
        "with {% csrf_token %}, not a link."
    )
    closed = client.post(f"/tickets/{open_ticket.pk}/close/", {"csrfmiddlewaretoken": close_token})
    open_ticket.refresh_from_db()
    assert closed.status_code in (301, 302, 303) and open_ticket.status == Ticket.Status.CLOSED, (
        f"POSTing the close form with its CSRF token answered {closed.status_code} and left the ticket "
        f"{open_ticket.status!r}: a real user must still be able to close their ticket (then be redirected)."
    )

    form = client.get("/tickets/new/").content.decode()
    token = csrf_token_in(form)
    assert token, "The new-ticket form has no csrfmiddlewaretoken field: put {% csrf_token %} inside the form."
    created = client.post("/tickets/new/", {"title": "Wi-Fi down", "body": "Since 9am.", "csrfmiddlewaretoken": token})
    assert created.status_code in (301, 302, 303), (
        f"POSTing the new-ticket form with its token answered {created.status_code}; expected a redirect."
    )
    assert Ticket.objects.filter(owner=alice, title="Wi-Fi down").count() == 1
