"""Stock and reservations of a camping-gear shop."""

from django.db import models


class Product(models.Model):
    sku = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=120)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    # PositiveIntegerField adds a CHECK (stock >= 0): the last line of defence.
    stock = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.sku} ({self.stock} in stock)"


class Reservation(models.Model):
    customer_email = models.EmailField()
    total = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Reservation #{self.pk} for {self.customer_email}"


class ReservationLine(models.Model):
    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="reservation_lines")
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=8, decimal_places=2)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="reservationline_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.quantity} x {self.product_id}"
