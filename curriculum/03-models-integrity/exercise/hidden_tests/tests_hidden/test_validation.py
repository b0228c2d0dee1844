"""Hidden checks: ``full_clean()`` turns bad input into readable errors on the right fields."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from appointments.models import Appointment, Doctor, Patient

NINE = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def doctor(db):
    return Doctor.objects.create(name="Dr. Rivera", specialty="cardiology", license_number="CA-123456")


@pytest.fixture
def patient(db):
    return Patient.objects.create(full_name="Sam Okafor")


def errors_of(instance):
    """The ``message_dict`` of ``full_clean()``, or {} when the instance is valid."""
    try:
        instance.full_clean()
    except ValidationError as error:
        return error.message_dict
    return {}


def appointment(doctor, patient, **fields):
    values = {"starts_at": NINE, "ends_at": NINE + timedelta(minutes=30), "price": Decimal("60.00")}
    values.update(fields)
    return Appointment(doctor=doctor, patient=patient, **values)


def test_full_clean_reports_bad_price_and_times(doctor, patient):
    assert errors_of(appointment(doctor, patient)) == {}, (
        f"A valid appointment must pass full_clean(); got {errors_of(appointment(doctor, patient))}"
    )
    errors = errors_of(appointment(doctor, patient, price=Decimal("-5.00")))
    assert "price" in errors, (
        "full_clean() must report a negative price on the 'price' field, so that a form can show the message "
        "next to it. A CheckConstraint only reports a general (non-field) error: add a validator to the field "
        f"as well. Got: {errors}"
    )
    errors = errors_of(appointment(doctor, patient, ends_at=NINE - timedelta(minutes=5)))
    assert errors, (
        "full_clean() accepted an appointment that ends before it starts. Since Django 4.1 full_clean() also "
        "checks Meta.constraints (validate_constraints), so the CheckConstraint gives you this for free."
    )


def test_license_number_format_is_validated(db):
    def doctor_with(number):
        return Doctor(name="Dr. Test", specialty="general", license_number=number)

    assert errors_of(doctor_with("GP-000001")) == {}, (
        f"'GP-000001' is a valid licence number; got {errors_of(doctor_with('GP-000001'))}"
    )
    for bad in ("ca-123456", "CA123456", "CA-12345", "CAB-12345", "CA-12345X"):
        assert "license_number" in errors_of(doctor_with(bad)), (
            f"full_clean() accepted the licence number {bad!r}: it must be two capital letters, a dash and six "
            "digits. A RegexValidator anchored at both ends (^...$) does this."
        )


def test_status_and_specialty_choices_are_validated(doctor, patient):
    status = Appointment._meta.get_field("status")
    values = {value for value, _label in status.flatchoices}
    assert values == {"scheduled", "completed", "cancelled", "no_show"}, (
        f"Appointment.status must offer exactly scheduled, completed, cancelled and no_show; it offers {values}."
    )
    assert Appointment().status == "scheduled", "A new appointment must default to 'scheduled'."
    assert "status" in errors_of(appointment(doctor, patient, status="pending")), (
        "full_clean() accepted the status 'pending': declare the allowed values with choices."
    )
    for value in sorted(values):
        assert "status" not in errors_of(appointment(doctor, patient, status=value))

    specialty = {value for value, _label in Doctor._meta.get_field("specialty").flatchoices}
    assert specialty == {"general", "cardiology", "dermatology", "pediatrics"}, (
        f"Doctor.specialty must offer exactly general, cardiology, dermatology and pediatrics; it offers {specialty}."
    )
    astrologer = Doctor(name="Dr. Stars", specialty="astrology", license_number="AS-000001")
    assert "specialty" in errors_of(astrologer), "full_clean() accepted the specialty 'astrology'."
