"""Visible tests for the clinic's models. Run them with ``pytest``.

Database constraints are tested by writing a bad row with ``objects.create()`` (which skips
``full_clean()``) inside ``transaction.atomic()``: the database raises ``IntegrityError``
and the atomic block rolls back just that statement, so the test can go on.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from appointments.models import Appointment, Doctor, Patient

NINE = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def doctor(db):
    return Doctor.objects.create(name="Dr. Rivera", specialty="cardiology", license_number="CA-123456")


@pytest.fixture
def patient(db):
    return Patient.objects.create(full_name="Sam Okafor")


def book(doctor, patient, starts_at=NINE, minutes=30, **extra):
    return Appointment.objects.create(
        doctor=doctor,
        patient=patient,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        price=extra.pop("price", Decimal("60.00")),
        **extra,
    )


def test_an_appointment_can_be_booked(doctor, patient):
    appointment = book(doctor, patient)
    appointment.refresh_from_db()
    assert appointment.status == "scheduled"
    assert str(appointment) == "Dr. Rivera with Sam Okafor at 2025-03-03 09:00"


def test_double_booking_is_refused_by_the_database(doctor, patient):
    book(doctor, patient)
    other = Patient.objects.create(full_name="Lee Chen")
    with pytest.raises(IntegrityError), transaction.atomic():
        book(doctor, other)


def test_ending_before_starting_fails_full_clean(doctor, patient):
    appointment = Appointment(
        doctor=doctor, patient=patient, starts_at=NINE, ends_at=NINE - timedelta(minutes=5), price=Decimal("10")
    )
    with pytest.raises(ValidationError):
        appointment.full_clean()


def test_national_id_is_optional_but_unique(db):
    Patient.objects.create(full_name="No Id One")
    Patient.objects.create(full_name="No Id Two")
    Patient.objects.create(full_name="Has Id", national_id="12345678901")
    with pytest.raises(IntegrityError), transaction.atomic():
        Patient.objects.create(full_name="Same Id", national_id="12345678901")
