import pytest

from loans.models import Loan
from loans.services import AlreadyBorrowed, loan_create, loan_return


@pytest.mark.django_db
def test_a_member_cannot_hold_two_open_loans_of_the_same_book(member, book):
    loan_create(member=member, book=book)
    with pytest.raises(AlreadyBorrowed):
        loan_create(member=member, book=book)
    assert Loan.objects.count() == 1


@pytest.mark.django_db
def test_a_returned_loan_does_not_block_a_new_one(member, book):
    loan_return(loan=loan_create(member=member, book=book))
    loan_create(member=member, book=book)
    assert Loan.objects.filter(member=member, book=book).count() == 2


@pytest.mark.django_db
def test_two_members_may_borrow_the_same_book(member, other_member, book):
    loan_create(member=member, book=book)
    loan_create(member=other_member, book=book)
    assert Loan.objects.count() == 2
