"""A community library's members, books and loans."""

from datetime import timedelta
from decimal import Decimal

from django.db import models
from django.utils import timezone

LOAN_PERIOD = timedelta(days=21)
FINE_PER_DAY = Decimal("0.25")
MAX_FINE = Decimal("10.00")


class Member(models.Model):
    name = models.CharField(max_length=120)
    email = models.EmailField(unique=True)
    max_loans = models.PositiveSmallIntegerField(default=3)
    is_suspended = models.BooleanField(default=False)

    def __str__(self):
        return self.name


class Book(models.Model):
    title = models.CharField(max_length=200)
    isbn = models.CharField(max_length=13, unique=True)

    def __str__(self):
        return self.title


class LoanQuerySet(models.QuerySet):
    def open(self):
        """Loans not returned yet."""
        return self.filter(returned_at__isnull=True)

    def overdue(self, *, at=None):
        """Open loans whose due date has passed at ``at`` (default: now)."""
        return self.filter(due_at__lt=at or timezone.now())


class Loan(models.Model):
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="loans")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="loans")
    borrowed_at = models.DateTimeField()
    due_at = models.DateTimeField()
    returned_at = models.DateTimeField(null=True, blank=True)

    objects = LoanQuerySet.as_manager()

    class Meta:
        constraints = [
            # A book is lent to one member at a time.
            models.UniqueConstraint(
                fields=["book"], condition=models.Q(returned_at__isnull=True), name="loan_one_open_per_book"
            ),
        ]

    def __str__(self):
        return f"{self.book} to {self.member}"

    def is_overdue(self, *, at=None) -> bool:
        """Still out after its due date."""
        return self.returned_at is None and self.due_at < (at or timezone.now())

    def fine(self, *, at=None) -> Decimal:
        """FINE_PER_DAY for each full day between the due date and the return (or ``at``), at most MAX_FINE."""
        end = self.returned_at or at or timezone.now()
        days_late = max((end - self.due_at).days, 0)
        return min(days_late * FINE_PER_DAY, MAX_FINE)
