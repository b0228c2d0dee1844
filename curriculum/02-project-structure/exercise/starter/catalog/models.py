"""The catalogue: what the shop sells."""

from django.db import models

from billing.models import InvoiceLine


class Author(models.Model):
    name = models.CharField(max_length=120)

    def __str__(self):
        return self.name


class Book(models.Model):
    title = models.CharField(max_length=200)
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="books")
    net_price = models.DecimalField(max_digits=8, decimal_places=2)
    vat_rate = models.DecimalField(max_digits=4, decimal_places=3, default="0.060", help_text="0.060 is 6%.")

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title

    # TODO(app-dependencies): this makes the catalogue depend on billing. Move it to
    #   billing/selectors.py as book_revenue(*, book), computed by the database.
    def revenue(self):
        total = 0
        for line in InvoiceLine.objects.filter(book=self):
            total += line.quantity * line.unit_price
        return total
