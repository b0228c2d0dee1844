"""The clinic's scheduling data.

The clinic has been losing money to bad rows: two patients booked with the same doctor at
the same time, appointments that end before they start, negative prices, typos in licence
numbers. Make the models and the database refuse them.

Each TODO names the lesson section that explains the tool. README.md lists the exact rules
and the constraint names the grader expects. When you are done, run
``python manage.py makemigrations`` and commit the migration it writes.
"""

from django.db import models


class Doctor(models.Model):
    name = models.CharField(max_length=120)
    # TODO(choices): only "general", "cardiology", "dermatology" or "pediatrics".
    specialty = models.CharField(max_length=20)
    # TODO(validators, unique-constraint): two capital letters, a dash and six digits
    # (CA-123456), and no two doctors share one.
    license_number = models.CharField(max_length=9)

    def __str__(self):
        return self.name


class Patient(models.Model):
    full_name = models.CharField(max_length=120)
    # TODO(filtered-unique): optional (many patients have none, stored as NULL), but no two
    # patients may share the same national id.
    national_id = models.CharField(max_length=11, blank=True)

    def __str__(self):
        return self.full_name


class Appointment(models.Model):
    doctor = models.ForeignKey(Doctor, on_delete=models.PROTECT, related_name="appointments")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    # TODO(db-index): the front desk lists appointments by start time all day long.
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # TODO(choices): "scheduled" (the default), "completed", "cancelled" or "no_show".
    status = models.CharField(max_length=12, default="scheduled")
    # TODO(field-types): this is money. TODO(validators): never negative.
    price = models.FloatField()
    notes = models.TextField(blank=True)

    # TODO(unique-constraint, check-constraint): add a Meta with the three constraints
    # described in README.md, with exactly the names given there.

    def __str__(self):
        return f"{self.doctor.name} with {self.patient.full_name} at {self.starts_at:%Y-%m-%d %H:%M}"
