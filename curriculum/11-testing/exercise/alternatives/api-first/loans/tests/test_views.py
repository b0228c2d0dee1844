"""The JSON API, end to end through the test client."""

import datetime

import pytest
from django.utils import timezone

from loans.models import Loan
from loans.tests.factories import BookFactory, LoanFactory


def borrow(client, book_id):
    return client.post(f"/books/{book_id}/borrow/")


def give_back(client, loan_id):
    return client.post(f"/loans/{loan_id}/return/")


def copies(book):
    book.refresh_from_db()
    return book.copies_available


@pytest.mark.django_db
def test_borrowing_answers_201_with_a_loan_due_in_21_days(member_client, member, book):
    start = timezone.now()
    response = borrow(member_client, book.pk)
    end = timezone.now()
    assert response.status_code == 201
    body = response.json()
    assert (body["book"], body["title"], body["returned_at"]) == (book.pk, "Dune", None)
    due = datetime.datetime.fromisoformat(body["due_at"])
    assert start + datetime.timedelta(days=21) <= due <= end + datetime.timedelta(days=21)
    assert Loan.objects.get(pk=body["id"]).member == member
    assert copies(book) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_borrow_and_return_are_post_only(member_client, member, book, method):
    loan = LoanFactory(member=member)
    assert getattr(member_client, method)(f"/books/{book.pk}/borrow/").status_code == 405
    assert getattr(member_client, method)(f"/loans/{loan.pk}/return/").status_code == 405
    assert Loan.objects.count() == 1


@pytest.mark.django_db
def test_unknown_ids_are_404(member_client):
    book = BookFactory()
    missing = book.pk + 1000
    assert borrow(member_client, missing).status_code == 404
    assert give_back(member_client, missing).status_code == 404
    assert not Loan.objects.exists()


@pytest.mark.django_db
def test_anonymous_requests_are_401_and_change_nothing(client, member, book):
    loan = LoanFactory(member=member)
    for response in (client.get("/loans/"), borrow(client, book.pk), give_back(client, loan.pk)):
        assert response.status_code == 401
        assert response.json() == {"error": "login_required"}
    assert Loan.objects.count() == 1
    assert Loan.objects.get().returned_at is None
    assert copies(book) == 2


@pytest.mark.django_db
def test_rules_are_409_with_their_code(member_client, member):
    empty = BookFactory(copies_available=0)
    assert borrow(member_client, empty.pk).json()["error"] == "no_copy_available"
    book = BookFactory(copies_available=5)
    assert borrow(member_client, book.pk).status_code == 201
    response = borrow(member_client, book.pk)
    assert (response.status_code, response.json()["error"]) == (409, "already_borrowed")
    assert copies(book) == 4
    borrow(member_client, BookFactory().pk)
    borrow(member_client, BookFactory().pk)
    response = borrow(member_client, BookFactory().pk)
    assert (response.status_code, response.json()["error"]) == (409, "loan_limit_reached")


@pytest.mark.django_db
def test_the_list_holds_my_open_loans_only(member_client, member, other_member):
    mine = LoanFactory(member=member)
    LoanFactory(member=member, returned_at=timezone.now())
    LoanFactory(member=other_member)
    response = member_client.get("/loans/")
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["loans"]] == [mine.pk]


@pytest.mark.django_db
def test_returning_gives_the_copy_back_once(member_client, book):
    loan_id = borrow(member_client, book.pk).json()["id"]
    first = give_back(member_client, loan_id)
    assert first.status_code == 200
    assert first.json()["returned_at"] is not None
    assert copies(book) == 2
    second = give_back(member_client, loan_id)
    assert (second.status_code, second.json()["error"]) == (409, "already_returned")
    assert copies(book) == 2


@pytest.mark.django_db
def test_another_members_loan_is_404_and_stays_open(client, member, other_member, book):
    loan = LoanFactory(member=member, book=book)
    client.force_login(other_member)
    assert give_back(client, loan.pk).status_code == 404
    loan.refresh_from_db()
    assert loan.returned_at is None
