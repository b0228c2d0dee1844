import pytest

from loans.models import Loan
from loans.services import MAX_OPEN_LOANS, loan_create, loan_return
from loans.tests.factories import BookFactory


def borrow_url(book):
    return f"/books/{book.pk}/borrow/"


def return_url(loan):
    return f"/loans/{loan.pk}/return/"


@pytest.mark.django_db
def test_borrow_creates_a_loan_with_201(member_client, member, book):
    response = member_client.post(borrow_url(book))
    assert response.status_code == 201
    body = response.json()
    assert body["book"] == book.pk
    assert body["returned_at"] is None
    assert Loan.objects.get(pk=body["id"]).member == member


@pytest.mark.django_db
def test_borrow_refused_by_a_rule_is_409_with_the_code(member_client, member):
    for _ in range(MAX_OPEN_LOANS):
        loan_create(member=member, book=BookFactory())
    response = member_client.post(borrow_url(BookFactory()))
    assert response.status_code == 409
    assert response.json()["error"] == "loan_limit_reached"


@pytest.mark.django_db
def test_borrow_unknown_book_is_404(member_client):
    assert member_client.post("/books/999999/borrow/").status_code == 404


@pytest.mark.django_db
def test_borrow_needs_post(member_client, book):
    assert member_client.get(borrow_url(book)).status_code == 405




@pytest.mark.django_db
def test_my_loans_lists_only_my_open_loans(member_client, member):
    mine = loan_create(member=member, book=BookFactory(title="Mine"))
    loan_return(loan=loan_create(member=member, book=BookFactory(title="Returned")))
    response = member_client.get("/loans/")
    assert response.status_code == 200
    assert [loan["id"] for loan in response.json()["loans"]] == [mine.pk]


@pytest.mark.django_db
def test_return_my_loan(member_client, member, book):
    loan = loan_create(member=member, book=book)
    response = member_client.post(return_url(loan))
    assert response.status_code == 200
    assert response.json()["returned_at"] is not None
    book.refresh_from_db()
    assert book.copies_available == 2


@pytest.mark.django_db
def test_returning_twice_is_409(member_client, member, book):
    loan = loan_create(member=member, book=book)
    member_client.post(return_url(loan))
    response = member_client.post(return_url(loan))
    assert response.status_code == 409
    assert response.json()["error"] == "already_returned"
