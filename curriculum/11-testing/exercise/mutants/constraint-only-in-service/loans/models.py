from django.conf import settings
from django.db import models


class Book(models.Model):
    title = models.CharField(max_length=200)
    copies_available = models.PositiveIntegerField(default=1)

    def __str__(self):
        return self.title


class Loan(models.Model):
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="loans")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="loans")
    borrowed_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField()
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]

    def __str__(self):
        return f"{self.book} to {self.member}"

    @property
    def is_open(self) -> bool:
        return self.returned_at is None
