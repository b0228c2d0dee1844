"""Orders: what a customer bought. Orders use the catalogue and billing, never the reverse."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Order(models.Model):
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    invoice = models.OneToOneField("billing.Invoice", on_delete=models.PROTECT, related_name="order")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Order {self.pk}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    book = models.ForeignKey("catalog.Book", on_delete=models.PROTECT, related_name="order_lines")
    quantity = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.quantity} x {self.book_id}"
