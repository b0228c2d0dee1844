"""Write operations of billing. Other apps create invoices only through these functions."""

from django.db import transaction

from billing.models import Invoice, InvoiceLine


@transaction.atomic
def invoice_create(*, customer, items):
    """Invoice ``customer`` for ``items``, a list of (book, quantity), at today's prices."""
    invoice = Invoice.objects.create(customer=customer, number="pending")
    lines = [
        InvoiceLine(invoice=invoice, book=book, quantity=quantity, unit_price=book.net_price)
        for book, quantity in items
    ]
    InvoiceLine.objects.bulk_create(lines)
    invoice.number = f"INV-{invoice.pk:06d}"
    invoice.total = sum((line.unit_price * line.quantity for line in lines), 0)
    invoice.save(update_fields=["number", "total"])
    return invoice
