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
    assert 200 <= response.status_code < 300
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
def test_borrow_unknown_book_is_an_error(member_client):
    response = member_client.post("/books/999999/borrow/")
    assert 400 <= response.status_code < 500
    assert not Loan.objects.exists()


@pytest.mark.django_db
def test_anonymous_cannot_borrow(client, book):
    response = client.post(borrow_url(book))
    assert response.status_code == 401
    assert not Loan.objects.exists()
    book.refresh_from_db()
    assert book.copies_available == 2


@pytest.mark.django_db
def test_anonymous_cannot_list_or_return(client, member, book):
    loan = loan_create(member=member, book=book)
    assert client.get("/loans/").status_code == 401
    assert client.post(return_url(loan)).status_code == 401
    loan.refresh_from_db()
    assert loan.returned_at is None


@pytest.mark.django_db
def test_my_loans_lists_only_my_open_loans(member_client, member, other_member):
    mine = loan_create(member=member, book=BookFactory(title="Mine"))
    loan_return(loan=loan_create(member=member, book=BookFactory(title="Returned")))
    loan_create(member=other_member, book=BookFactory(title="Theirs"))
    response = member_client.get("/loans/")
    assert response.status_code == 200
    assert [loan["id"] for loan in response.json()["loans"]] == [mine.pk]


@pytest.mark.django_db
def test_return_my_loan(member_client, member, book):
    loan = loan_create(member=member, book=book)
    response = member_client.post(return_url(loan))
    assert 200 <= response.status_code < 300
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


@pytest.mark.django_db
def test_another_member_cannot_return_my_loan(client, member, other_member, book):
    loan = loan_create(member=member, book=book)
    client.force_login(other_member)
    response = client.post(return_url(loan))
    assert response.status_code == 404
    loan.refresh_from_db()
    assert loan.returned_at is None
