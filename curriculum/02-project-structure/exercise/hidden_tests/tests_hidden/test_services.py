"""Hidden checks on the services and selectors the views (and other apps) call."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client

from billing.models import Invoice, InvoiceLine
from catalog.models import Author, Book
from orders.models import Order, OrderLine

User = get_user_model()


@pytest.fixture
def shelf(db):
    author = Author.objects.create(name="Ursula K. Le Guin")
    return (
        Book.objects.create(
            title="The Dispossessed", author=author, net_price=Decimal("10.00"), vat_rate=Decimal("0.060")
        ),
        Book.objects.create(title="Earthsea", author=author, net_price=Decimal("7.99"), vat_rate=Decimal("0.210")),
    )


@pytest.fixture
def customer(db):
    return User.objects.create(username="shevek")


def test_book_revenue_is_a_billing_selector(shelf, customer, django_assert_num_queries):
    from billing import selectors

    dispossessed, earthsea = shelf
    first = Invoice.objects.create(number="INV-1", customer=customer)
    second = Invoice.objects.create(number="INV-2", customer=customer)
    InvoiceLine.objects.create(invoice=first, book=dispossessed, quantity=2, unit_price=Decimal("10.60"))
    InvoiceLine.objects.create(invoice=second, book=dispossessed, quantity=1, unit_price=Decimal("9.50"))
    InvoiceLine.objects.create(invoice=second, book=earthsea, quantity=5, unit_price=Decimal("9.67"))
    with django_assert_num_queries(1):
        revenue = selectors.book_revenue(book=dispossessed)
    assert revenue == Decimal("30.70"), (
        "billing.selectors.book_revenue(book=...) must return the money invoiced for the book "
        f"(2 x 10.60 + 1 x 9.50 = 30.70), summed by the database in one query. Got {revenue!r}."
    )
    unsold = Book.objects.create(title="Unsold", author=dispossessed.author, net_price=Decimal("1.00"))
    assert selectors.book_revenue(book=unsold) == Decimal("0"), "A book never invoiced has revenue 0, not None."


def test_order_place_creates_order_and_invoice(shelf, customer):
    from orders import services

    dispossessed, earthsea = shelf
    order = services.order_place(customer=customer, quantities={dispossessed.pk: 2, earthsea.pk: 1})
    assert isinstance(order, Order) and order.customer == customer
    lines = sorted((line.book.title, line.quantity) for line in order.lines.all())
    assert lines == [("Earthsea", 1), ("The Dispossessed", 2)], f"Order lines: {lines}"
    invoice = order.invoice
    assert invoice.customer == customer and invoice.total == Decimal("30.87"), (
        "The order's invoice totals the prices with VAT: 2 x 10.60 + 1 x 9.67 = 30.87 "
        f"(got {invoice.total}). Price the lines with catalog.services.price_with_vat."
    )
    assert invoice.number.startswith("INV-") and invoice.number != "pending"


def test_order_place_is_all_or_nothing(shelf, customer):
    from orders import services

    first = shelf[0].pk
    cases = [({}, "no books"), ({first: 0}, "a quantity of 0"), ({first: 1, 999999: 2}, "an unknown book")]
    for quantities, case in cases:
        with pytest.raises(ValidationError):
            services.order_place(customer=customer, quantities=quantities)
        rows = (Order.objects.count(), OrderLine.objects.count(), Invoice.objects.count(), InvoiceLine.objects.count())
        assert rows == (0, 0, 0, 0), (
            f"An order with {case} raised, but left rows behind (orders, order lines, invoices, invoice lines = "
            f"{rows}). Validate before writing, and run the writes in one transaction.atomic() so that a failure "
            "undoes all of them."
        )


def test_checkout_view_places_the_order(shelf, customer):
    client = Client()
    client.force_login(customer)
    response = client.post("/orders/checkout/", {f"qty-{shelf[0].pk}": "3"})
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.pk}/", (
        f"POST /orders/checkout/ places the order and redirects to it, got {response.status_code}."
    )
    assert order.invoice.total == Decimal("31.80")
    refused = client.post("/orders/checkout/", {f"qty-{shelf[0].pk}": "0"})
    assert refused.status_code == 400 and Order.objects.count() == 1, "A refused order answers 400 and saves nothing."
