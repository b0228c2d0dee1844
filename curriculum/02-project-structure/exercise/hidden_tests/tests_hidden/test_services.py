"""Hidden checks on the services and selectors the views (and other apps) call."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models.signals import post_save
from django.test import Client
from django.test.utils import CaptureQueriesContext

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


def test_book_revenue_is_summed_by_the_database(shelf, customer):
    from billing import selectors

    dispossessed, _ = shelf
    invoice = Invoice.objects.create(number="INV-1", customer=customer)
    for quantity, price in [(2, "10.60"), (1, "9.50"), (3, "0.01")]:
        InvoiceLine.objects.create(invoice=invoice, book=dispossessed, quantity=quantity, unit_price=Decimal(price))
    with CaptureQueriesContext(connection) as queries:
        revenue = selectors.book_revenue(book=dispossessed)
    assert revenue == Decimal("30.73"), f"2 x 10.60 + 1 x 9.50 + 3 x 0.01 = 30.73, got {revenue!r}."
    sql = [q["sql"].upper() for q in queries.captured_queries]
    assert len(sql) == 1 and "SUM(" in sql[0], (
        "The database must do the sum: one query with SUM(...) (aggregate(Sum(F('quantity') * F('unit_price')))), "
        "not a Python sum over the lines it loaded. Queries run:\n" + "\n".join(sql)
    )


def test_invoice_number_comes_from_the_id(shelf, customer):
    from billing.services import invoice_create

    dispossessed, _ = shelf
    invoices = [invoice_create(customer=customer, items=[(dispossessed, 1)]) for _ in range(4)]
    for deleted in (invoices[1], invoices[3]):  # one in the middle, and the latest
        deleted.lines.all().delete()
        deleted.delete()
    latest = invoice_create(customer=customer, items=[(dispossessed, 1)])
    for invoice in [invoices[0], invoices[2], latest]:
        invoice.refresh_from_db()
        assert invoice.number == f"INV-{invoice.pk:06d}", (
            f"Invoice id {invoice.pk} is numbered {invoice.number!r}: the number is INV- and the id on six digits "
            "(INV-000042), so it stays unique after an invoice is deleted (a count of the invoices repeats a number)."
        )


def test_a_failure_after_the_invoice_was_written_undoes_it(shelf, customer):
    from orders import services

    def disk_full(sender, instance, **kwargs):
        raise RuntimeError("disk full")

    post_save.connect(disk_full, sender=Order, dispatch_uid="hidden-disk-full")
    try:
        with pytest.raises(RuntimeError):
            services.order_place(customer=customer, quantities={shelf[0].pk: 1})
    finally:
        post_save.disconnect(sender=Order, dispatch_uid="hidden-disk-full")
    rows = (Order.objects.count(), OrderLine.objects.count(), Invoice.objects.count(), InvoiceLine.objects.count())
    assert rows == (0, 0, 0, 0), (
        "Saving the order failed after the invoice was written, and rows were left behind (orders, order lines, "
        f"invoices, invoice lines = {rows}). Run all of order_place() in one transaction.atomic(), not only "
        "billing's part: an exception inside it rolls back every write."
    )


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
            f"{rows}). Check every quantity and book before the first write, and raise ValidationError."
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
