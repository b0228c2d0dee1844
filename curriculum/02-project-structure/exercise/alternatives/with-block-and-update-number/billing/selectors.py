"""Read queries of billing, for any app (or admin page) that needs invoice figures."""

from decimal import Decimal

from django.db.models import DecimalField, F, Sum
from django.db.models.functions import Coalesce

from billing.models import InvoiceLine


def book_revenue(*, book):
    """The money invoiced for ``book`` so far: the sum of quantity x unit price, in one query."""
    amount = Sum(F("quantity") * F("unit_price"), output_field=DecimalField(max_digits=12, decimal_places=2))
    total = InvoiceLine.objects.filter(book=book).aggregate(total=Coalesce(amount, Decimal("0")))["total"]
    return total.quantize(Decimal("0.01"))
