import pytest

from loans.models import Loan
from loans.tests.factories import LoanFactory


@pytest.mark.django_db
def test_two_members_may_borrow_the_same_book(member, other_member, book):
    LoanFactory(member=member, book=book)
    LoanFactory(member=other_member, book=book)
    assert Loan.objects.count() == 2
