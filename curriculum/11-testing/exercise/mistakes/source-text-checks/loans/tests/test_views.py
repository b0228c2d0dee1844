import pytest


@pytest.mark.django_db
def test_borrow(member_client, book):
    assert member_client.post(f"/books/{book.pk}/borrow/").status_code == 201


@pytest.mark.django_db
def test_my_loans(member_client):
    assert member_client.get("/loans/").json() == {"loans": []}
