"""Read queries of billing, for any app (or admin page) that needs invoice figures."""

from django.db.models import DecimalField, ExpressionWrapper, F, Sum

from billing.models import InvoiceLine


def book_revenue(*, book):
    """The money invoiced for ``book`` so far: the sum of quantity x unit price, in one query."""
    amount = ExpressionWrapper(
        F("quantity") * F("unit_price"), output_field=DecimalField(max_digits=12, decimal_places=2)
    )
    total = InvoiceLine.objects.filter(book=book).aggregate(total=Sum(amount))["total"]
    return total
