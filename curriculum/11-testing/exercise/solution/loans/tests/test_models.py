import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from loans.models import Loan
from loans.tests.factories import LoanFactory


@pytest.mark.django_db
def test_a_member_cannot_hold_two_open_loans_of_the_same_book(member, book):
    LoanFactory(member=member, book=book)
    with pytest.raises(IntegrityError), transaction.atomic():
        LoanFactory(member=member, book=book)
    assert Loan.objects.count() == 1


@pytest.mark.django_db
def test_a_returned_loan_does_not_block_a_new_one(member, book):
    LoanFactory(member=member, book=book, returned_at=timezone.now())
    LoanFactory(member=member, book=book)  # the constraint only covers open loans
    assert Loan.objects.filter(member=member, book=book).count() == 2


@pytest.mark.django_db
def test_two_members_may_borrow_the_same_book(member, other_member, book):
    LoanFactory(member=member, book=book)
    LoanFactory(member=other_member, book=book)
    assert Loan.objects.count() == 2
