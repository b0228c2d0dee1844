"""Hidden checks: a reservation is all or nothing.

These tests use ``django_db(transaction=True)``: no test transaction wraps them, so whatever
the service leaves behind after a failure is really in the database, as it would be in
production. A service without its own ``transaction.atomic`` fails them.
"""

from decimal import Decimal

import pytest
from django.core import mail
from django.db import DatabaseError

from inventory import services
from inventory.models import Product, Reservation, ReservationLine
from tests_hidden.sql_trace import recording

STOCK = {"TENT-2P": 3, "LAMP-1": 5, "STOVE-1": 1, "MAT-1": 4}


@pytest.fixture
def shelf():
    Product.objects.create(sku="TENT-2P", name="Two-person tent", price=Decimal("149.00"), stock=3)
    Product.objects.create(sku="LAMP-1", name="Head lamp", price=Decimal("24.90"), stock=5)
    Product.objects.create(sku="STOVE-1", name="Camping stove", price=Decimal("39.50"), stock=1)
    Product.objects.create(sku="MAT-1", name="Sleeping mat", price=Decimal("59.00"), stock=4)


def stock_levels():
    return dict(Product.objects.values_list("sku", "stock"))


def leftovers():
    return {
        "reservations": Reservation.objects.count(),
        "lines": ReservationLine.objects.count(),
        "stock": stock_levels(),
    }


NOTHING_LEFT = {"reservations": 0, "lines": 0, "stock": STOCK}


@pytest.mark.django_db
def test_reservation_returns_exact_rows(shelf):
    reservation = services.reservation_create(
        customer_email="kim@example.com", items={"TENT-2P": 2, "LAMP-1": 3, "STOVE-1": 1}
    )
    assert isinstance(reservation, Reservation) and reservation.pk is not None, (
        "reservation_create() must return the saved Reservation."
    )
    reservation.refresh_from_db()
    lines = sorted(reservation.lines.values_list("product__sku", "quantity", "unit_price"))
    got = {"email": reservation.customer_email, "total": reservation.total, "lines": lines, "stock": stock_levels()}
    expected = {
        "email": "kim@example.com",
        "total": Decimal("412.20"),
        "lines": [("LAMP-1", 3, Decimal("24.90")), ("STOVE-1", 1, Decimal("39.50")), ("TENT-2P", 2, Decimal("149.00"))],
        "stock": {"TENT-2P": 1, "LAMP-1": 2, "STOVE-1": 0, "MAT-1": 4},
    }
    assert got == expected, (
        "A reservation stores one line per product (quantity and the unit price at the time), the total, "
        "and takes exactly the reserved stock; products not reserved keep theirs.\n"
        f"Expected {expected!r}\nGot      {got!r}"
    )


@pytest.mark.django_db(transaction=True)
def test_out_of_stock_midway_rolls_back_everything(shelf):
    # TENT-2P and LAMP-1 can be served; STOVE-1 (1 in stock) cannot, and it comes last.
    with pytest.raises(services.OutOfStock) as excinfo:
        services.reservation_create(customer_email="kim@example.com", items={"TENT-2P": 2, "LAMP-1": 1, "STOVE-1": 2})
    assert excinfo.value.sku == "STOVE-1", "OutOfStock must name the product that ran out."
    left = leftovers()
    assert left == NOTHING_LEFT, (
        "The third product was out of stock, but the reservation, its first lines or the stock already "
        "taken for the first two products stayed in the database. Make the whole service one transaction "
        "(transaction.atomic), so that an exception anywhere inside rolls back every write.\n"
        f"Expected {NOTHING_LEFT!r}\nGot      {left!r}"
    )
    assert mail.outbox == [], "A reservation that was rolled back must not send a confirmation e-mail."


@pytest.mark.django_db(transaction=True)
def test_database_error_midway_rolls_back_everything(shelf):
    def first_line_insert(sql):
        return sql.upper().startswith("INSERT INTO INVENTORY_RESERVATIONLINE")

    raised = None
    with recording(fail_when=first_line_insert) as log:
        try:
            services.reservation_create(customer_email="kim@example.com", items={"TENT-2P": 1, "MAT-1": 2})
        except DatabaseError as exc:
            raised = exc
    assert log.failed_on, "The service never inserted a reservation line.\n" + log.render()
    left = leftovers()
    assert left == NOTHING_LEFT, (
        "The database failed while the first reservation line was being inserted (a lost connection, a "
        "deadlock victim, a constraint...). Everything written before it must be rolled back: the "
        "reservation row and any stock already taken. Only transaction.atomic around the whole service "
        "gives that guarantee; catching the error and carrying on does not.\n"
        f"Expected {NOTHING_LEFT!r}\nGot      {left!r}\n" + log.render()
    )
    assert raised is not None, (
        "The database error was caught inside the service and the reservation went on without the line. "
        "A failure the service cannot repair must leave it (and roll the transaction back), so that the "
        "caller knows the reservation did not happen."
    )
