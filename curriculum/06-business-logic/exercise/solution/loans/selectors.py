"""Read-side queries of the library."""

from datetime import datetime

from django.db.models import QuerySet

from loans.models import Loan


def loan_list_overdue(*, at: datetime | None = None) -> QuerySet[Loan]:
    """Overdue loans, most overdue first, with their book and member in the same query."""
    return Loan.objects.overdue(at=at).select_related("book", "member").order_by("due_at", "pk")
