"""Write operations of orders."""

from django.core.exceptions import ValidationError
from django.db import transaction

from billing.models import Invoice, InvoiceLine
from catalog.models import Book
from catalog.services import price_with_vat
from orders.models import Order, OrderLine


@transaction.atomic
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
    invoice = Invoice.objects.create(customer=customer, number="pending")
    lines = [InvoiceLine(invoice=invoice, book=b, quantity=q, unit_price=price_with_vat(b)) for b, q in items]
    InvoiceLine.objects.bulk_create(lines)
    invoice.number = f"INV-{invoice.pk:06d}"
    invoice.total = sum(line.unit_price * line.quantity for line in lines)
    invoice.save()
    order = Order.objects.create(customer=customer, invoice=invoice)
    OrderLine.objects.bulk_create(OrderLine(order=order, book=book, quantity=quantity) for book, quantity in items)
    return order
