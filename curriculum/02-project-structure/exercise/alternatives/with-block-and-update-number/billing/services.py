"""Write operations of billing. Other apps create invoices only through these functions."""

from django.db import transaction

from billing.models import Invoice, InvoiceLine
from catalog.services import price_with_vat


@transaction.atomic
def invoice_create(*, customer, items):
    """Invoice ``customer`` for ``items``, a list of (book, quantity), at today's prices."""
    invoice = Invoice.objects.create(customer=customer, number="pending")
    lines = [
        InvoiceLine(invoice=invoice, book=book, quantity=quantity, unit_price=price_with_vat(book))
        for book, quantity in items
    ]
    InvoiceLine.objects.bulk_create(lines)
    total = sum((line.unit_price * line.quantity for line in lines), 0)
    Invoice.objects.filter(pk=invoice.pk).update(number=f"INV-{invoice.pk:06d}", total=total)
    invoice.refresh_from_db()
    return invoice
