"""Visible tests. Run them with ``pytest``."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from catalog.models import Author, Book
from orders.models import Order

User = get_user_model()


@pytest.fixture
def book(db):
    author = Author.objects.create(name="Ursula K. Le Guin")
    return Book.objects.create(
        title="The Dispossessed", author=author, net_price=Decimal("10.00"), vat_rate=Decimal("0.060")
    )


@pytest.fixture
def customer(db):
    return User.objects.create(username="shevek")


def test_checkout_creates_an_invoiced_order(client, book, customer):
    client.force_login(customer)
    response = client.post("/orders/checkout/", {f"qty-{book.pk}": "2"})
    assert response.status_code == 302
    assert Order.objects.get().invoice.total == Decimal("21.20")


def test_price_with_vat_lives_in_catalog_services(book):
    from catalog import services

    assert services.price_with_vat(book) == Decimal("10.60")


def test_order_place_service(book, customer):
    from orders import services

    order = services.order_place(customer=customer, quantities={book.pk: 1})
    assert order.invoice.total == Decimal("10.60")


def test_book_revenue_selector(book, customer):
    from billing import selectors
    from orders import services

    services.order_place(customer=customer, quantities={book.pk: 3})
    assert selectors.book_revenue(book=book) == Decimal("31.80")


def test_urls_have_namespaces():
    from django.urls import reverse

    assert reverse("catalog:book_list") == "/catalog/books/"
