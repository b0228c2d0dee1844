"""What only the service layer shows: the limit at its boundary and what a refusal leaves."""

import pytest
from django.utils import timezone

from loans.models import Book, Loan
from loans.services import (
    AlreadyBorrowed,
    AlreadyReturned,
    LoanLimitReached,
    NoCopyAvailable,
    loan_create,
    loan_return,
)
from loans.tests.factories import BookFactory, LoanFactory


def snapshot():
    """Everything a refused call must leave alone."""
    return (
        sorted(Book.objects.values_list("pk", "copies_available")),
        sorted(Loan.objects.values_list("pk", "returned_at")),
    )


@pytest.mark.django_db
def test_the_third_loan_is_allowed_and_the_fourth_refused(member):
    for _ in range(2):
        loan_create(member=member, book=BookFactory())
    loan_create(member=member, book=BookFactory())  # the third: exactly at the limit
    extra = BookFactory(copies_available=1)
    before = snapshot()
    with pytest.raises(LoanLimitReached):
        loan_create(member=member, book=extra)
    assert snapshot() == before


@pytest.mark.django_db
def test_closed_loans_are_not_counted(member):
    LoanFactory.create_batch(3, member=member, returned_at=timezone.now())
    assert loan_create(member=member, book=BookFactory()).returned_at is None


@pytest.mark.django_db
@pytest.mark.parametrize(("copies", "refused"), [(0, True), (1, False)])
def test_the_shelf_decides(member, copies, refused):
    book = BookFactory(copies_available=copies)
    if refused:
        before = snapshot()
        with pytest.raises(NoCopyAvailable):
            loan_create(member=member, book=book)
        assert snapshot() == before
    else:
        loan_create(member=member, book=book)
        book.refresh_from_db()
        assert book.copies_available == 0


@pytest.mark.django_db
def test_a_duplicate_is_refused_and_leaves_everything_as_it_was(member, book):
    loan_create(member=member, book=book)
    before = snapshot()
    with pytest.raises(AlreadyBorrowed):
        loan_create(member=member, book=book)
    assert snapshot() == before


@pytest.mark.django_db
def test_a_second_return_is_refused_and_leaves_everything_as_it_was(member, book):
    loan = loan_create(member=member, book=book)
    loan_return(loan=loan)
    before = snapshot()
    with pytest.raises(AlreadyReturned):
        loan_return(loan=loan)
    assert snapshot() == before
    assert before[0] == [(book.pk, 2)]
