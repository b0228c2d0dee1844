"""Write operations of orders."""

from django.core.exceptions import ValidationError

from billing.services import invoice_create
from catalog.models import Book
from orders.models import Order, OrderLine


def order_place(*, customer, quantities):
    """Place an order for ``quantities`` ({book id: quantity}) and invoice it; all or nothing.

    Raises ValidationError (and saves nothing) for an empty order, a quantity below 1 or an
    unknown book.
    """
    if not quantities:
        raise ValidationError("An order needs at least one book.")
    if any(quantity < 1 for quantity in quantities.values()):
        raise ValidationError("Every quantity must be at least 1.")
    books = Book.objects.in_bulk(quantities.keys())
    missing = sorted(set(quantities) - set(books))
    if missing:
        raise ValidationError(f"Unknown books: {missing}.")
    items = [(books[book_id], quantity) for book_id, quantity in sorted(quantities.items())]
    order = Order.objects.create(customer=customer, invoice=invoice_create(customer=customer, items=items))
    OrderLine.objects.bulk_create(OrderLine(order=order, book=book, quantity=quantity) for book, quantity in items)
    return order
