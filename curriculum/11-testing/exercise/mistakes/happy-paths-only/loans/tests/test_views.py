import pytest

from loans.services import loan_create


@pytest.mark.django_db
def test_borrow_creates_a_loan(member_client, book):
    response = member_client.post(f"/books/{book.pk}/borrow/")
    assert response.status_code == 201


@pytest.mark.django_db
def test_my_loans_lists_my_loan(member_client, member, book):
    loan = loan_create(member=member, book=book)
    response = member_client.get("/loans/")
    assert [item["id"] for item in response.json()["loans"]] == [loan.pk]


@pytest.mark.django_db
def test_return_my_loan(member_client, member, book):
    loan = loan_create(member=member, book=book)
    assert member_client.post(f"/loans/{loan.pk}/return/").status_code == 200
