import datetime

import pytest
from django.utils import timezone

from loans.models import Loan
from loans.services import (
    MAX_OPEN_LOANS,
    AlreadyReturned,
    LoanLimitReached,
    NoCopyAvailable,
    loan_create,
    loan_return,
)
from loans.tests.factories import BookFactory, LoanFactory


@pytest.mark.django_db
def test_loan_create_takes_a_copy_and_sets_the_due_date(member, book):
    before = timezone.now()
    loan = loan_create(member=member, book=book)
    after = timezone.now()
    book.refresh_from_db()
    assert book.copies_available == 1
    assert loan.member == member
    assert loan.returned_at is None
    assert before + datetime.timedelta(days=21) <= loan.due_at <= after + datetime.timedelta(days=21)


@pytest.mark.django_db
def test_the_last_copy_can_be_borrowed(member):
    book = BookFactory(copies_available=1)
    loan_create(member=member, book=book)
    book.refresh_from_db()
    assert book.copies_available == 0


@pytest.mark.django_db
def test_no_copy_left_is_refused_and_changes_nothing(member):
    book = BookFactory(copies_available=0)
    with pytest.raises(NoCopyAvailable):
        loan_create(member=member, book=book)
    book.refresh_from_db()
    assert book.copies_available == 0
    assert not Loan.objects.exists()


@pytest.mark.django_db
def test_a_member_may_have_exactly_the_maximum_of_open_loans(member):
    for _ in range(MAX_OPEN_LOANS):
        loan_create(member=member, book=BookFactory())
    assert Loan.objects.filter(member=member).count() == MAX_OPEN_LOANS


@pytest.mark.django_db
def test_one_loan_over_the_limit_is_refused(member):
    for _ in range(MAX_OPEN_LOANS):
        loan_create(member=member, book=BookFactory())
    extra = BookFactory(copies_available=1)
    with pytest.raises(LoanLimitReached):
        loan_create(member=member, book=extra)
    extra.refresh_from_db()
    assert extra.copies_available == 1
    assert Loan.objects.filter(member=member).count() == MAX_OPEN_LOANS


@pytest.mark.django_db
def test_returned_loans_do_not_count_towards_the_limit(member):
    for _ in range(MAX_OPEN_LOANS):
        LoanFactory(member=member, returned_at=timezone.now())
    loan_create(member=member, book=BookFactory())
    assert Loan.objects.filter(member=member, returned_at__isnull=True).count() == 1




@pytest.mark.django_db
def test_loan_return_closes_the_loan_and_puts_the_copy_back(member, book):
    loan = loan_create(member=member, book=book)
    returned = loan_return(loan=loan)
    book.refresh_from_db()
    assert returned.returned_at is not None
    assert book.copies_available == 2


@pytest.mark.django_db
def test_a_loan_cannot_be_returned_twice(member, book):
    loan = loan_return(loan=loan_create(member=member, book=book))
    with pytest.raises(AlreadyReturned):
        loan_return(loan=loan)
    book.refresh_from_db()
    assert book.copies_available == 2
