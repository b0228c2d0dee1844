"""The library's data: books on the shelf and the loans made of them."""

from django.conf import settings
from django.db import models


class Book(models.Model):
    """A title and how many of its copies are on the shelf right now."""

    title = models.CharField(max_length=200)
    copies_available = models.PositiveIntegerField(default=1)

    def __str__(self):
        return self.title


class Loan(models.Model):
    """One copy of a book lent to a member; open until returned_at is set."""

    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="loans")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="loans",
    )
    borrowed_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField()
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            # Partial unique index: only rows with returned_at IS NULL take part, so a member
            # may borrow the same book again once the previous loan is closed.
            models.UniqueConstraint(
                fields=["book", "member"],
                condition=models.Q(returned_at__isnull=True),
                name="loan_one_open_per_book_and_member",
            ),
        ]

    def __str__(self):
        return f"{self.book} to {self.member}"

    @property
    def is_open(self) -> bool:
        """True until the loan is returned."""
        return not self.returned_at
