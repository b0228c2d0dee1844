"""Hidden checks: field types, the index and the migrations."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db import connection, models
from django.db.migrations.loader import MigrationLoader

from appointments.models import Appointment, Doctor, Patient

EXPECTED_CONSTRAINTS = {
    "appointment_doctor_start_unique_active",
    "appointment_ends_after_start",
    "appointment_price_not_negative",
}


def test_price_is_an_exact_decimal(db):
    price = Appointment._meta.get_field("price")
    assert isinstance(price, models.DecimalField), (
        f"Appointment.price is a {type(price).__name__}. Money needs exact arithmetic: a binary float cannot "
        "store 0.10 exactly. Use a DecimalField (on SQL Server: numeric(p, s))."
    )
    doctor = Doctor.objects.create(name="Dr. Rivera", specialty="cardiology", license_number="CA-123456")
    patient = Patient.objects.create(full_name="Sam Okafor")
    start = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    saved = Appointment.objects.create(
        doctor=doctor, patient=patient, starts_at=start, ends_at=start + timedelta(hours=1), price=Decimal("80.10")
    )
    saved.refresh_from_db()
    assert saved.price == Decimal("80.10") and isinstance(saved.price, Decimal)


def test_price_has_six_digits_before_the_point_and_two_after(db):
    price = Appointment._meta.get_field("price")
    digits = (getattr(price, "max_digits", None), getattr(price, "decimal_places", None))
    assert digits == (8, 2), (
        "The price has up to 6 digits before the point and 2 after: DecimalField(max_digits=8, decimal_places=2) "
        f"(max_digits counts all the digits, both sides of the point). Got max_digits, decimal_places = {digits}."
    )


def test_starts_at_is_indexed(db):
    table = Appointment._meta.db_table
    column = Appointment._meta.get_field("starts_at").column
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    leading = [name for name, info in constraints.items() if info["index"] and info["columns"][:1] == [column]]
    assert leading, (
        f"No index in the database starts with {table}.{column}. The front desk filters by start time all day: "
        "index the column (db_index=True or Meta.indexes) and create the migration. An index over "
        "(doctor, starts_at) does not help a query on starts_at alone: the leading column decides."
    )


def test_constraints_are_in_migrations(db):
    state = MigrationLoader(connection, ignore_no_migrations=True).project_state()
    model = state.models.get(("appointments", "appointment"))
    assert model is not None, "No migration creates the Appointment model."
    in_migrations = {constraint.name for constraint in model.options.get("constraints", [])}
    in_models = {constraint.name for constraint in Appointment._meta.constraints}
    missing = EXPECTED_CONSTRAINTS - in_migrations
    assert not missing, (
        f"The migrations do not create {sorted(missing)} (the models declare {sorted(in_models)}). "
        "The test database and every deployment are built from migrations, not from models.py: run "
        "`python manage.py makemigrations`, read the file it writes, and submit it."
    )
