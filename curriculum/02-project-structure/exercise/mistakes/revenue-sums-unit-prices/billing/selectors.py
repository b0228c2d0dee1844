"""Read queries of billing, for any app (or admin page) that needs invoice figures."""

from decimal import Decimal

from django.db.models import Sum

from billing.models import InvoiceLine


def book_revenue(*, book):
    """The money invoiced for ``book`` so far: the sum of quantity x unit price, in one query."""
    total = InvoiceLine.objects.filter(book=book).aggregate(total=Sum("unit_price"))["total"]
    return Decimal(total or 0).quantize(Decimal("0.01"))
