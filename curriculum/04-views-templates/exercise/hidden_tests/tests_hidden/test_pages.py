"""Hidden checks for the help desk's pages: access rules, 404s, escaping, queries, pagination."""

import re
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from desk.models import Comment, Ticket

User = get_user_model()
SCRIPT = "<script>alert('stolen cookie')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;stolen cookie&#x27;)&lt;/script&gt;"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(db):
    return User.objects.create_user(username="alice", password="a-long-passphrase")


@pytest.fixture
def bob(db):
    return User.objects.create_user(username="bob", password="a-long-passphrase")


@pytest.fixture
def agent(db):
    user = User.objects.create_user(username="agent", password="a-long-passphrase")
    user.user_permissions.add(Permission.objects.get(codename="close_ticket", content_type__app_label="desk"))
    return User.objects.get(pk=user.pk)  # fresh instance: no stale permission cache


def logged_in(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def ticket_for(user, title="Printer on fire", description="It is on fire.", **kwargs):
    return Ticket.objects.create(requester=user, title=title, description=description, **kwargs)


def test_missing_ticket_is_404(alice):
    client = logged_in(alice, raise_request_exception=False)
    response = client.get("/tickets/987654/")
    assert response.status_code == 404, (
        f"GET /tickets/987654/ (no such ticket) answered {response.status_code}. A missing object is the client's "
        "mistake, a 404, never a 500 from an uncaught DoesNotExist: use get_object_or_404() or a DetailView."
    )


def test_other_users_ticket_is_404(alice, bob, agent):
    ticket = ticket_for(alice, description="My home address is 12 Elm Street.")
    response = logged_in(bob, raise_request_exception=False).get(f"/tickets/{ticket.pk}/")
    assert response.status_code == 404, (
        f"Bob opened Alice's ticket and got {response.status_code}. A customer may only see their own tickets: "
        "look the ticket up in a queryset limited to what the user may see, so someone else's is 'not found'."
    )
    comment = logged_in(bob, raise_request_exception=False).post(f"/tickets/{ticket.pk}/comments/", {"body": "Hi"})
    assert comment.status_code == 404 and not Comment.objects.exists(), (
        f"Bob could comment on Alice's ticket (status {comment.status_code}): the comment view needs the same rule."
    )
    assert logged_in(alice).get(f"/tickets/{ticket.pk}/").status_code == 200, "The requester must see the ticket."
    assert logged_in(agent).get(f"/tickets/{ticket.pk}/").status_code == 200, (
        "Agents (users with the desk.close_ticket permission) see every ticket."
    )


def test_pages_require_login(alice):
    ticket = ticket_for(alice)
    anonymous = Client()
    for url in ("/tickets/", f"/tickets/{ticket.pk}/"):
        response = anonymous.get(url)
        assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next={url}", (
            f"An anonymous GET {url} must redirect to the login page (/accounts/login/?next={url}), got "
            f"{response.status_code} {response.get('Location', '')}. Use login_required or LoginRequiredMixin."
        )
    response = anonymous.post(f"/tickets/{ticket.pk}/comments/", {"body": "Anonymous spam"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), (
        f"An anonymous POST of a comment must redirect to the login page, got {response.status_code}."
    )
    assert not Comment.objects.exists(), "An anonymous visitor managed to add a comment."


def test_list_shows_only_own_tickets(alice, bob):
    ticket_for(alice, title="Alice cannot print")
    ticket_for(bob, title="Bob lost his badge")
    html = logged_in(alice).get("/tickets/").content.decode()
    assert "Alice cannot print" in html and "Bob lost his badge" not in html, (
        "/tickets/ must list the logged-in user's own tickets and nobody else's: filter the queryset by "
        "request.user in the view's get_queryset() (or in a selector it calls)."
    )


def test_user_text_is_escaped(alice, bob):
    ticket = ticket_for(alice, title=f"Title {SCRIPT}", description=f"Line one\n{SCRIPT}")
    Comment.objects.create(ticket=ticket, author=alice, body=f"Comment {SCRIPT}")
    for url in ("/tickets/", f"/tickets/{ticket.pk}/"):
        html = logged_in(alice).get(url).content.decode()
        assert "<script>" not in html and ESCAPED in html, (
            f"{url} sent a user's <script> tag to the browser unescaped: any visitor would run it. Django escapes "
            "every {{ variable }} unless you switch it off: remove |safe, {% autoescape off %} and mark_safe() "
            "around user text (|linebreaksbr keeps line breaks and still escapes)."
        )
    html = logged_in(alice).get(f"/tickets/{ticket.pk}/").content.decode()
    assert "Line one<br>" in html, "Keep the line breaks of the description: |linebreaksbr escapes, then adds <br>."


def test_posted_script_is_escaped(alice):
    ticket = ticket_for(alice)
    client = logged_in(alice)
    client.post(f"/tickets/{ticket.pk}/comments/", {"body": f"Look: {SCRIPT}"})
    html = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert ESCAPED in html and "<script>" not in html, (
        "A comment posted through the form came back as a live <script> tag. Let the template escape it."
    )


def _shape(sql):
    return re.sub(r"\b\d+\b", "?", re.sub(r"'[^']*'", "'?'", re.sub(r'["\[\]`]', "", sql)))


def _report(queries):
    groups = Counter(_shape(q["sql"]) for q in queries)
    lines = [f"SQL that ran: {len(queries)} queries (numbers shown as ?):"]
    for text, count in groups.most_common(6):
        marker = "  <-- repeated: one query per ticket?" if count > 1 else ""
        lines.append(f"  {count:>3} x {text[:300]}{marker}")
    return "\n".join(lines)


def test_list_query_count_is_constant(alice):
    def add(count, start):
        for i in range(start, start + count):
            assignee = User.objects.create_user(username=f"support{i:02d}")
            ticket = ticket_for(alice, title=f"Issue {i:02d}", assignee=assignee)
            Comment.objects.bulk_create(Comment(ticket=ticket, author=alice, body="More details.") for _ in range(2))

    client = logged_in(alice)
    add(2, 0)
    with CaptureQueriesContext(connection) as small:
        first = client.get("/tickets/")
    add(7, 2)
    with CaptureQueriesContext(connection) as large:
        second = client.get("/tickets/")
    html = second.content.decode()
    assert first.status_code == second.status_code == 200
    assert "support08" in html and "support00" in html, "The list shows each ticket's assignee by username."
    assert len(small) == len(large), (
        f"/tickets/ ran {len(small)} queries for 2 tickets and {len(large)} for 9: the template triggers a query "
        "per row. Load the assignees with the tickets (select_related) and let the database count the comments "
        "(annotate) in the view's queryset; the template only displays.\n" + _report(large.captured_queries)
    )


def test_list_is_paginated(alice, bob):
    for i in range(25):
        ticket_for(alice, title=f"Case {i:02d}")
    ticket_for(bob, title="Case 99")
    client = logged_in(alice, raise_request_exception=False)

    def titles(page):
        return sorted(set(re.findall(r"Case \d\d", client.get(f"/tickets/?page={page}").content.decode())))

    first, third = titles(1), titles(3)
    assert first == [f"Case {i:02d}" for i in range(15, 25)], (
        "/tickets/ must show 10 tickets per page, newest first: page 1 holds the 10 newest of 25. Use Django's "
        f"pagination (ListView's paginate_by, or Paginator) rather than slicing by hand. Page 1 showed {first}."
    )
    assert third == [f"Case {i:02d}" for i in range(5)], f"Page 3 must hold the 5 oldest tickets, got {third}."
    beyond = client.get("/tickets/?page=4")
    assert beyond.status_code == 404, f"?page=4 of 3 pages must be a 404, got {beyond.status_code}."
