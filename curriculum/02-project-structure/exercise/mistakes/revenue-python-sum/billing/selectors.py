"""Read queries of billing, for any app (or admin page) that needs invoice figures."""

from decimal import Decimal

from billing.models import InvoiceLine


def book_revenue(*, book):
    """The money invoiced for ``book`` so far: the sum of quantity x unit price, in one query."""
    lines = InvoiceLine.objects.filter(book=book).values_list("quantity", "unit_price")
    total = sum(quantity * unit_price for quantity, unit_price in lines)
    return Decimal(total or 0).quantize(Decimal("0.01"))
