"""Object-level access: a customer can neither see nor change another customer's ticket."""

import pytest

from tests_hidden.helpers import make_user
from tickets.models import Ticket


@pytest.fixture
def alice(db):
    return make_user("alice")


@pytest.fixture
def mallory(db):
    return make_user("mallory")


@pytest.fixture
def alices_ticket(alice):
    return Ticket.objects.create(owner=alice, title="Invoice 2024-17", body="My card ends in 4242.")


def test_other_users_ticket_detail_is_404(client, mallory, alices_ticket):
    client.force_login(mallory)
    response = client.get(f"/tickets/{alices_ticket.pk}/")
    assert response.status_code == 404, (
        f"Mallory opened Alice's ticket by changing the id in the URL (status {response.status_code}). "
        "login_required only says who is asking; fetch the ticket through a queryset scoped to "
        "request.user (Ticket.objects.for_user), so other people's tickets answer 404. A 403 is not enough: "
        "it tells Mallory that ticket exists, and lets her count everybody's tickets."
    )
    assert "4242" not in response.content.decode()
    missing = client.get("/tickets/999999/")
    assert missing.status_code == 404


def test_cannot_close_other_users_ticket(client, mallory, alices_ticket):
    client.force_login(mallory)
    response = client.post(f"/tickets/{alices_ticket.pk}/close/")
    alices_ticket.refresh_from_db()
    assert response.status_code in (404, 403) and alices_ticket.status == Ticket.Status.OPEN, (
        f"Mallory closed Alice's ticket (status {response.status_code}, ticket now {alices_ticket.status!r}). "
        "Every view that loads a ticket by id must scope the lookup to the user, the actions as well as "
        "the detail page."
    )


def test_list_shows_only_own_tickets(client, alice, mallory, alices_ticket):
    Ticket.objects.create(owner=mallory, title="Mallory's own ticket", body="...")
    client.force_login(mallory)
    html = client.get("/tickets/").content.decode()
    assert "Invoice 2024-17" not in html, (
        "Mallory's ticket list shows Alice's ticket. The list must use the same scoped queryset as the detail."
    )
    assert "Mallory&#x27;s own ticket" in html or "Mallory's own ticket" in html
