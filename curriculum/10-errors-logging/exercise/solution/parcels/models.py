"""Parcels of a small courier service."""

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models


class Parcel(models.Model):
    tracking_code = models.CharField(
        max_length=12, unique=True, validators=[RegexValidator(r"^[A-Z]{2}[0-9]{6,10}$")]
    )
    recipient_name = models.CharField(max_length=120)
    postcode = models.CharField(max_length=10)
    weight_grams = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.tracking_code
