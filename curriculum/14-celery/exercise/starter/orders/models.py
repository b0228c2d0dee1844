"""Books and the orders customers place for them."""

from django.db import models


class Book(models.Model):
    title = models.CharField(max_length=200)
    price = models.DecimalField(max_digits=7, decimal_places=2)
    stock = models.PositiveIntegerField(default=0)

    def __str__(self):
        return self.title


class Order(models.Model):
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the confirmation task once the e-mail has gone out.
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Order #{self.pk}"

    @property
    def total(self):
        return sum((line.price * line.quantity for line in self.lines.all()), start=0)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    price = models.DecimalField(max_digits=7, decimal_places=2, help_text="Unit price when ordered.")

    def __str__(self):
        return f"{self.quantity} x {self.book_id}"
