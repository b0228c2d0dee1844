"""A community library's members, books and loans."""

from datetime import timedelta
from decimal import Decimal

from django.db import models

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


# TODO(managers): a LoanQuerySet with open() (not returned yet) and overdue(*, at=None) (open
# and due before `at`, default now), exposed as Loan.objects so that both chain after
# filter() and after each other. The views below filter by hand today.


class Loan(models.Model):
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="loans")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="loans")
    borrowed_at = models.DateTimeField()
    due_at = models.DateTimeField()
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # A book is lent to one member at a time.
            models.UniqueConstraint(
                fields=["book"], condition=models.Q(returned_at__isnull=True), name="loan_one_open_per_book"
            ),
        ]

    def __str__(self):
        return f"{self.book} to {self.member}"

    # TODO(model-methods): is_overdue(self, *, at=None) -> bool and fine(self, *, at=None) -> Decimal
    # (FINE_PER_DAY per full day late, up to the return or `at`, at most MAX_FINE). The views
    # compute both by hand today.
