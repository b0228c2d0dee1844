"""Hidden checks: the views are thin and delegate to the service and the selector."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from loans import services, views
from loans.models import Book, Loan, Member


@pytest.fixture
def desk(db):
    member = Member.objects.create(name="Ana Silva", email="ana@example.com")
    book = Book.objects.create(title="Middlemarch", isbn="9780141439549")
    return member, book


def post_borrow(client, member, book):
    body = json.dumps({"member_id": member.pk, "book_id": book.pk})
    return client.post("/loans/", data=body, content_type="application/json")


def test_borrow_view_delegates_to_the_service(client, desk, monkeypatch):
    member, book = desk
    calls = []
    prepared = Loan(
        pk=4242,
        member=member,
        book=book,
        borrowed_at=datetime(2025, 1, 6, 9, 0, tzinfo=UTC),
        due_at=datetime(2025, 1, 27, 9, 0, tzinfo=UTC),
    )

    def spy(*args, **kwargs):
        calls.append((args, kwargs))
        if len(calls) == 2:
            raise services.LoanLimitReached(member.pk)
        return prepared

    monkeypatch.setattr(services, "loan_create", spy)
    if hasattr(views, "loan_create"):
        monkeypatch.setattr(views, "loan_create", spy)

    response = post_borrow(client, member, book)
    assert calls, (
        "POST /loans/ did not call services.loan_create(): the view still carries the business rules itself. "
        "Keep only HTTP in the view (parse, look up, respond) and let the service decide."
    )
    args, kwargs = calls[0]
    assert not args and kwargs.get("member") == member and kwargs.get("book") == book, (
        f"The view must call loan_create(member=..., book=...) with keyword arguments. Got args={args!r}, "
        f"kwargs={kwargs!r}"
    )
    assert response.status_code == 201 and response.json()["id"] == 4242, (
        f"The view must answer 201 with the loan the service returned. Got {response.status_code}: "
        f"{response.content[:300]!r}"
    )
    refused = post_borrow(client, member, book)
    assert (refused.status_code, refused.json()) == (409, {"error": "loan_limit_reached"}), (
        "A LoanError from the service must become 409 with {'error': <the exception's code>}. "
        f"Got {refused.status_code}: {refused.content[:300]!r}"
    )
    assert Loan.objects.count() == 0, "The view must not write loans itself."


def test_overdue_view_exact_json_in_one_query(client, db, django_assert_num_queries):
    now = datetime.now(UTC)
    members = [Member.objects.create(name=f"Member {i}", email=f"m{i}@example.com") for i in range(3)]
    for i in range(6):
        book = Book.objects.create(title=f"Book {i}", isbn=f"97820000000{i:02d}")
        Loan.objects.create(
            book=book,
            member=members[i % 3],
            borrowed_at=now - timedelta(days=30),
            due_at=now - timedelta(days=i * 3 - 5, hours=1),  # Book 0 and 1 are not due yet
            returned_at=now if i == 5 else None,  # Book 5 came back
        )
    with django_assert_num_queries(1):
        response = client.get("/loans/overdue/")
    rows = [(row["book"], row["member"], row["fine"]) for row in response.json()["loans"]]
    assert rows == [("Book 4", "Member 1", "1.75"), ("Book 3", "Member 0", "1.00"), ("Book 2", "Member 2", "0.25")], (
        "GET /loans/overdue/ lists the open overdue loans, most overdue first, with book title, member name and "
        f"fine. Got {rows!r}"
    )
