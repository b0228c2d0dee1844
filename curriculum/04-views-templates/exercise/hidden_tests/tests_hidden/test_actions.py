"""Hidden checks for the help desk's POST actions: forms, CSRF, permissions and the services."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from desk.models import Comment, Ticket

User = get_user_model()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(db):
    return User.objects.create_user(username="alice", password="a-long-passphrase")


@pytest.fixture
def agent(db):
    user = User.objects.create_user(username="agent", password="a-long-passphrase")
    user.user_permissions.add(Permission.objects.get(codename="close_ticket", content_type__app_label="desk"))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def ticket(alice):
    return Ticket.objects.create(requester=alice, title="VPN keeps dropping", description="Every ten minutes.")


def logged_in(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def test_comment_form_is_validated(alice, agent, ticket):
    client = logged_in(alice)
    url = f"/tickets/{ticket.pk}/comments/"
    response = client.post(url, {"body": "Still broken.", "author": agent.pk, "ticket": 1})
    assert response.status_code == 302 and response["Location"] == f"/tickets/{ticket.pk}/", (
        f"A valid comment must redirect back to the ticket (/tickets/{ticket.pk}/), got {response.status_code} "
        f"{response.get('Location', '')}."
    )
    comment = Comment.objects.get()
    assert (comment.ticket, comment.author, comment.body) == (ticket, alice, "Still broken."), (
        "The comment's author is the logged-in user and its ticket the one in the URL, whatever the POST says."
    )
    for body, why in [("", "empty"), ("   ", "only spaces"), ("x" * 2001, "longer than 2000 characters")]:
        client.post(url, {"body": body})
        assert Comment.objects.count() == 1, (
            f"A comment that is {why} was saved. Validate the POST with a Django form (a CharField with "
            "max_length=2000 strips and requires the text) instead of reading request.POST directly."
        )
    response = client.get(url)
    assert response.status_code == 405, f"GET {url} must not change anything: answer 405, got {response.status_code}."


def test_comment_form_enforces_csrf(alice, ticket):
    client = logged_in(alice, enforce_csrf_checks=True)
    url = f"/tickets/{ticket.pk}/comments/"
    forged = client.post(url, {"body": "Posted from evil.example"})
    assert forged.status_code == 403 and not Comment.objects.exists(), (
        f"A POST without a CSRF token was accepted (status {forged.status_code}): another site could post "
        "comments in the user's name. Remove @csrf_exempt and keep CsrfViewMiddleware on."
    )
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "The comment form on the ticket page has no {% csrf_token %}: a real browser's POST would be refused."
    accepted = client.post(url, {"body": "Posted from the page", "csrfmiddlewaretoken": token.group(1)})
    assert accepted.status_code == 302 and Comment.objects.count() == 1, (
        f"The form's own POST, with its CSRF token, must be accepted; got {accepted.status_code}."
    )


def test_only_agents_can_close(alice, agent, ticket):
    url = f"/tickets/{ticket.pk}/close/"
    refused = logged_in(alice).post(url)
    ticket.refresh_from_db()
    assert refused.status_code == 403 and ticket.status == Ticket.Status.OPEN, (
        f"A customer without the desk.close_ticket permission got {refused.status_code} and the ticket is "
        f"{ticket.status}. Refuse with 403: permission_required(..., raise_exception=True) or "
        "PermissionRequiredMixin."
    )
    assert logged_in(agent).get(url).status_code == 405, "Closing changes data: only POST is allowed (405 on GET)."
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN, "A GET closed the ticket."
    closed = logged_in(agent).post(url)
    ticket.refresh_from_db()
    assert closed.status_code == 302 and ticket.status == Ticket.Status.CLOSED, (
        f"An agent's POST must close the ticket and redirect, got {closed.status_code} and status {ticket.status}."
    )


def test_services_hold_the_business_rules(alice, agent, ticket):
    from desk import services

    services.ticket_close(ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED, "services.ticket_close(ticket=...) must close the ticket."
    services.comment_add(ticket=ticket, author=agent, body="Closing this: fixed on our side.")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED, "An agent's comment must not reopen a closed ticket."
    comment = services.comment_add(ticket=ticket, author=alice, body="No, it still drops.")
    ticket.refresh_from_db()
    assert isinstance(comment, Comment) and ticket.status == Ticket.Status.OPEN, (
        "services.comment_add(ticket=..., author=..., body=...) must save the comment and, when the requester "
        "comments on a closed ticket, open it again. The rule lives in the service, so the view, the admin and "
        "an e-mail importer all share it."
    )
    assert (comment.ticket, comment.author, comment.body) == (ticket, alice, "No, it still drops.")


def test_views_go_through_the_services(alice, agent, ticket):
    assert logged_in(agent).post(f"/tickets/{ticket.pk}/close/").status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED, "The close page must close the ticket."
    logged_in(alice).post(f"/tickets/{ticket.pk}/comments/", {"body": "Reopening via the page."})
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN, (
        "The requester commented on the closed ticket through the page and it stayed closed: the comment view "
        "saves the comment without services.comment_add(), so the reopen rule never runs from the page."
    )
