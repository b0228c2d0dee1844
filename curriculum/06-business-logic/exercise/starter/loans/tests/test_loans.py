"""Visible tests for the library's loans. Run them with ``pytest``."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from loans import services
from loans.models import Book, Loan, Member

START = datetime(2025, 2, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
def member(db):
    return Member.objects.create(name="Ada Byrne", email="ada@example.com", max_loans=1)


@pytest.fixture
def book(db):
    return Book.objects.create(title="Persuasion", isbn="9780141439686")


def test_loan_create_lends_for_three_weeks(member, book):
    loan = services.loan_create(member=member, book=book, at=START)
    assert loan.due_at == START + timedelta(days=21)


def test_loan_limit_is_enforced_by_the_service(member, book):
    services.loan_create(member=member, book=book, at=START)
    other = Book.objects.create(title="Emma", isbn="9780141439587")
    with pytest.raises(services.LoanLimitReached):
        services.loan_create(member=member, book=other, at=START)


def test_overdue_queryset_and_fine(member, book):
    loan = services.loan_create(member=member, book=book, at=START)
    three_days_late = loan.due_at + timedelta(days=3, hours=2)
    assert list(Loan.objects.overdue(at=three_days_late)) == [loan]
    assert str(loan.fine(at=three_days_late)) == "0.75"


def test_borrow_view(client, member, book):
    body = json.dumps({"member_id": member.pk, "book_id": book.pk})
    response = client.post("/loans/", data=body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["book"] == "Persuasion"
