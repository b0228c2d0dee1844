"""Visible tests for the reservation service and view. Run them with ``pytest``."""

import json
from decimal import Decimal

import pytest
from django.core import mail

from inventory import services
from inventory.models import Product, Reservation, ReservationLine


@pytest.fixture
def shelf(db):
    return {
        "tent": Product.objects.create(sku="TENT-2P", name="Two-person tent", price=Decimal("149.00"), stock=3),
        "stove": Product.objects.create(sku="STOVE-1", name="Camping stove", price=Decimal("39.50"), stock=1),
    }


def stock(sku):
    return Product.objects.get(sku=sku).stock


def test_reservation_takes_stock_and_records_lines(shelf):
    reservation = services.reservation_create(customer_email="kim@example.com", items={"TENT-2P": 2, "STOVE-1": 1})
    assert reservation.total == Decimal("337.50")
    assert sorted(reservation.lines.values_list("product__sku", "quantity")) == [("STOVE-1", 1), ("TENT-2P", 2)]
    assert (stock("TENT-2P"), stock("STOVE-1")) == (1, 0)


# transaction=True: no test transaction around the test, so what the service commits (or
# fails to roll back) is really in the database, as in production.
@pytest.mark.django_db(transaction=True)
def test_out_of_stock_leaves_nothing_behind(shelf):
    with pytest.raises(services.OutOfStock):
        services.reservation_create(customer_email="kim@example.com", items={"TENT-2P": 1, "STOVE-1": 2})
    assert Reservation.objects.count() == 0
    assert ReservationLine.objects.count() == 0
    assert stock("TENT-2P") == 3


def test_confirmation_is_sent_only_on_commit(shelf, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reservation = services.reservation_create(customer_email="kim@example.com", items={"TENT-2P": 1})
    assert mail.outbox == []  # nothing may be sent before the commit
    for callback in callbacks:
        callback()
    assert [message.to for message in mail.outbox] == [["kim@example.com"]]
    assert f"#{reservation.pk}" in mail.outbox[0].subject


@pytest.mark.django_db(transaction=True)
def test_view_answers_409_when_out_of_stock(shelf, client):
    response = client.post(
        "/reservations/",
        data=json.dumps({"email": "kim@example.com", "items": {"TENT-2P": 1, "STOVE-1": 5}}),
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json() == {"error": "out_of_stock", "sku": "STOVE-1"}
    assert Reservation.objects.count() == 0
