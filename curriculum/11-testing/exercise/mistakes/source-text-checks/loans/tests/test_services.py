import pytest

from loans.services import loan_create, loan_return


@pytest.mark.django_db
def test_loan_create_takes_a_copy(member, book):
    loan_create(member=member, book=book)
    book.refresh_from_db()
    assert book.copies_available == 1


@pytest.mark.django_db
def test_loan_return_closes_the_loan(member, book):
    loan = loan_return(loan=loan_create(member=member, book=book))
    assert loan.returned_at is not None
