"""The clinic's scheduling data.

The rules live in the models *and* in the database: validators and choices give readable
errors in ``full_clean()`` (forms, serializers, the admin), and constraints make the
database refuse bad rows whatever code writes them.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q

license_number_validator = RegexValidator(
    regex=r"^[A-Z]{2}-[0-9]{6}$",
    message="A licence number is two capital letters, a dash and six digits, like CA-123456.",
)


class Doctor(models.Model):
    class Specialty(models.TextChoices):
        GENERAL = "general", "General practice"
        CARDIOLOGY = "cardiology", "Cardiology"
        DERMATOLOGY = "dermatology", "Dermatology"
        PEDIATRICS = "pediatrics", "Pediatrics"

    name = models.CharField(max_length=120)
    specialty = models.CharField(max_length=20, choices=Specialty.choices)
    license_number = models.CharField(max_length=9, unique=True, validators=[license_number_validator])

    def __str__(self):
        return f"{self.name} ({self.get_specialty_display()})"


class Patient(models.Model):
    full_name = models.CharField(max_length=120)
    # Optional: NULL when unknown. unique=True on a nullable column lets any number of NULLs
    # through (SQL Server: a filtered unique index WHERE national_id IS NOT NULL).
    national_id = models.CharField(max_length=11, null=True, blank=True, unique=True)

    def __str__(self):
        return self.full_name


class Appointment(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        NO_SHOW = "no_show", "No-show"

    doctor = models.ForeignKey(Doctor, on_delete=models.PROTECT, related_name="appointments")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    price = models.DecimalField(max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    notes = models.TextField(blank=True)

    class Meta:
        constraints = [
            # A cancelled appointment frees its slot: the uniqueness only covers the statuses
            # that hold it. Written as an IN list because SQL Server turns a conditional
            # UniqueConstraint into a filtered index, whose WHERE accepts only simple
            # comparisons, IN and AND (no NOT, no OR).
            models.UniqueConstraint(
                fields=["doctor", "starts_at"],
                condition=Q(status__in=["scheduled", "completed", "no_show"]),
                name="appointment_doctor_start_unique_active",
                violation_error_message="This doctor already has an appointment starting at that time.",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="appointment_ends_after_start",
                violation_error_message="An appointment must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="appointment_price_not_negative",
                violation_error_message="The price cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"{self.doctor.name} with {self.patient.full_name} at {self.starts_at:%Y-%m-%d %H:%M}"
