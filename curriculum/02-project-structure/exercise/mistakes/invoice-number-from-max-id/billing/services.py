"""Write operations of billing. Other apps create invoices only through these functions."""

from django.db import transaction
from django.db.models import Max

from billing.models import Invoice, InvoiceLine
from catalog.services import price_with_vat


@transaction.atomic
def invoice_create(*, customer, items):
    """Invoice ``customer`` for ``items``, a list of (book, quantity), at today's prices."""
    last_id = Invoice.objects.aggregate(last=Max("pk"))["last"] or 0
    invoice = Invoice.objects.create(customer=customer, number=f"INV-{last_id + 1:06d}")
    lines = [
        InvoiceLine(invoice=invoice, book=book, quantity=quantity, unit_price=price_with_vat(book))
        for book, quantity in items
    ]
    InvoiceLine.objects.bulk_create(lines)
    invoice.total = sum((line.unit_price * line.quantity for line in lines), 0)
    invoice.save(update_fields=["total"])
    return invoice
