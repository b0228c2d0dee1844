"""Hidden checks for the model layer: the Loan queryset and Loan's own methods."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db.models import QuerySet

from loans.models import Book, Loan, Member

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def make_loan(member, n, due_in_days, returned=False):
    book = Book.objects.create(title=f"Title {n}", isbn=f"97810000000{n:02d}")
    due_at = NOW + timedelta(days=due_in_days)
    return Loan.objects.create(
        book=book,
        member=member,
        borrowed_at=due_at - timedelta(days=21),
        due_at=due_at,
        returned_at=NOW - timedelta(days=1) if returned else None,
    )


@pytest.fixture
def loans(db):
    ana = Member.objects.create(name="Ana", email="ana@example.com", max_loans=9)
    ben = Member.objects.create(name="Ben", email="ben@example.com", max_loans=9)
    return {
        "ana_late": make_loan(ana, 1, -5),
        "ana_fine": make_loan(ana, 2, 3),
        "ana_back": make_loan(ana, 3, -10, returned=True),
        "ben_late": make_loan(ben, 4, -1),
        "ben_fine": make_loan(ben, 5, 10),
        "ana": ana,
    }


def names(queryset, loans):
    by_pk = {loan.pk: name for name, loan in loans.items() if isinstance(loan, Loan)}
    return sorted(by_pk[pk] for pk in queryset.values_list("pk", flat=True))


def test_loan_queryset_open_and_overdue_chain(loans):
    try:
        open_loans = Loan.objects.open()
        overdue = Loan.objects.overdue(at=NOW)
        chained = Loan.objects.filter(member=loans["ana"]).overdue(at=NOW)
        chained_other_way = Loan.objects.overdue(at=NOW).filter(member=loans["ana"])
        open_then_overdue = Loan.objects.open().overdue(at=NOW)
    except (AttributeError, TypeError) as exc:
        pytest.fail(
            f"{exc}. open() and overdue(*, at=None) must be QuerySet methods exposed with "
            "LoanQuerySet.as_manager(), so that they chain after filter() and after each other.",
            pytrace=False,
        )
    for qs in (open_loans, overdue, chained, chained_other_way, open_then_overdue):
        assert isinstance(qs, QuerySet), f"Expected a QuerySet, got {type(qs).__name__}"
    got = {
        "open": names(open_loans, loans),
        "overdue": names(overdue, loans),
        "ana overdue": names(chained, loans),
        "ana overdue (other order)": names(chained_other_way, loans),
        "open().overdue()": names(open_then_overdue, loans),
    }
    expected = {
        "open": ["ana_fine", "ana_late", "ben_fine", "ben_late"],
        "overdue": ["ana_late", "ben_late"],
        "ana overdue": ["ana_late"],
        "ana overdue (other order)": ["ana_late"],
        "open().overdue()": ["ana_late", "ben_late"],
    }
    assert got == expected, (
        "open() is every loan not returned; overdue(at=...) the open loans due before `at` (a returned loan is "
        f"never overdue).\nExpected {expected!r}\nGot      {got!r}"
    )


def test_loan_fine_and_is_overdue_methods(loans):
    late, fine, back = loans["ana_late"], loans["ana_fine"], loans["ana_back"]
    got = {
        "late.is_overdue": late.is_overdue(at=NOW),
        "on-time.is_overdue": fine.is_overdue(at=NOW),
        "returned.is_overdue": back.is_overdue(at=NOW),
        "late.fine": late.fine(at=NOW),
        "late.fine 12h later": late.fine(at=NOW + timedelta(hours=12)),
        "on-time.fine": fine.fine(at=NOW),
        "late.fine a year later": late.fine(at=NOW + timedelta(days=365)),
        "returned.fine": back.fine(at=NOW + timedelta(days=100)),
    }
    expected = {
        "late.is_overdue": True,
        "on-time.is_overdue": False,
        "returned.is_overdue": False,
        "late.fine": Decimal("1.25"),
        "late.fine 12h later": Decimal("1.25"),
        "on-time.fine": Decimal("0.00"),
        "late.fine a year later": Decimal("10.00"),
        "returned.fine": Decimal("2.25"),
    }
    assert got == expected, (
        "Loan.is_overdue(*, at=None): not returned and due before `at`. Loan.fine(*, at=None): 0.25 per FULL day "
        "between the due date and the return (or `at` while still out), never more than 10.00, as a Decimal. "
        "These are facts about one loan: model methods, no queries.\n"
        f"Expected {expected!r}\nGot      {got!r}"
    )
