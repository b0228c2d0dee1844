"""Hidden checks: the database itself refuses bad rows.

Every bad row is written with ``objects.create()``, which skips ``full_clean()``: only a real
database constraint can stop it. Each attempt runs in ``transaction.atomic()`` so that the
IntegrityError rolls back that one statement and the test can go on.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Q

from appointments.models import Appointment, Doctor, Patient

NINE = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
SLOT_CONSTRAINT = "appointment_doctor_start_unique_active"


@pytest.fixture
def people(db):
    rivera = Doctor.objects.create(name="Dr. Rivera", specialty="cardiology", license_number="CA-123456")
    osei = Doctor.objects.create(name="Dr. Osei", specialty="general", license_number="GP-654321")
    # Distinct national ids, so that these checks do not depend on how a missing one is stored.
    sam = Patient.objects.create(full_name="Sam Okafor", national_id="10000000001")
    lee = Patient.objects.create(full_name="Lee Chen", national_id="10000000002")
    return rivera, osei, sam, lee


def book(doctor, patient, starts_at=NINE, ends_at=None, price="60.00", **extra):
    return Appointment.objects.create(
        doctor=doctor,
        patient=patient,
        starts_at=starts_at,
        ends_at=ends_at if ends_at is not None else starts_at + timedelta(minutes=30),
        price=Decimal(price),
        **extra,
    )


def refused(create):
    """True if the database raised IntegrityError for ``create()``, which is rolled back."""
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def must_refuse(create, why):
    if not refused(create):
        pytest.fail(why, pytrace=False)


def must_accept(create, why):
    if refused(create):
        pytest.fail(why, pytrace=False)


def test_doctor_cannot_double_book_a_start(people):
    rivera, osei, sam, lee = people
    book(rivera, sam)
    must_refuse(
        lambda: book(rivera, lee),
        "The database accepted a second scheduled appointment for the same doctor at the same start. "
        f"Add a UniqueConstraint over (doctor, starts_at) named {SLOT_CONSTRAINT!r} to Appointment.Meta.constraints "
        "and create its migration: full_clean() alone does not protect the data from objects.create().",
    )
    must_accept(lambda: book(osei, lee), "Two different doctors must be able to start at the same time.")
    must_accept(
        lambda: book(rivera, lee, starts_at=NINE + timedelta(minutes=30)),
        "The same doctor must be able to book the next slot.",
    )


def test_cancelled_appointment_frees_the_slot(people):
    rivera, _, sam, lee = people
    first = book(rivera, sam)
    Appointment.objects.filter(pk=first.pk).update(status="cancelled")
    must_accept(
        lambda: book(rivera, lee),
        "After the first appointment was cancelled, booking the same doctor at the same start was refused. "
        "Cancelled appointments must not count: the unique constraint needs a condition that leaves them out.",
    )
    must_accept(
        lambda: book(rivera, sam, status="cancelled"),
        "Any number of cancelled appointments may share a start.",
    )


def test_completed_appointment_keeps_its_slot(people):
    rivera, _, sam, lee = people
    first = book(rivera, sam)
    Appointment.objects.filter(pk=first.pk).update(status="completed")
    must_refuse(
        lambda: book(rivera, lee),
        "A completed appointment still holds its slot: a scheduled one for the same doctor at the same start "
        "must be refused. Only cancelled appointments are left out of the constraint.",
    )
    must_refuse(
        lambda: book(rivera, lee, status="completed"),
        "Two completed appointments of one doctor at the same start must be refused too.",
    )


def _filter_problems(condition, path="condition"):
    """What SQL Server's filtered-index WHERE cannot express: NOT, OR, expressions, other lookups."""
    if not isinstance(condition, Q):
        return [f"{path} is an expression ({type(condition).__name__}), not a Q of simple comparisons"]
    problems = []
    if condition.negated:
        problems.append(f"{path} is negated (~Q renders as NOT (...))")
    if condition.connector == Q.OR and len(condition.children) > 1:
        problems.append(f"{path} joins its parts with OR (|)")
    for child in condition.children:
        if isinstance(child, Q):
            problems.extend(_filter_problems(child, path + " > Q"))
            continue
        lookup, value = child
        name = lookup.split("__")[-1] if "__" in lookup else "exact"
        if name not in {"exact", "in", "isnull", "gt", "gte", "lt", "lte"}:
            problems.append(f"{lookup!r} uses the lookup {name!r}")
        values = value if isinstance(value, list | tuple | set | frozenset) else [value]
        if any(hasattr(v, "resolve_expression") for v in values):
            problems.append(f"{lookup!r} compares with an expression, not a constant")
    return problems


def test_slot_condition_is_a_valid_sql_server_filter(db):
    constraints = {c.name: c for c in Appointment._meta.constraints}
    assert SLOT_CONSTRAINT in constraints, (
        f"Appointment.Meta.constraints has no constraint named {SLOT_CONSTRAINT!r} (found: {sorted(constraints)})."
    )
    condition = getattr(constraints[SLOT_CONSTRAINT], "condition", None)
    assert condition is not None, (
        f"{SLOT_CONSTRAINT!r} has no condition, so cancelled appointments still hold their slot."
    )
    problems = _filter_problems(condition)
    assert not problems, (
        "On SQL Server a conditional UniqueConstraint becomes a filtered unique index, and its WHERE "
        "clause accepts only column-versus-constant comparisons (=, <, >, IS NULL, IN (...)) joined by AND: "
        "no NOT, no OR, no functions. Problems: " + "; ".join(problems) + ". "
        "Say which statuses hold the slot instead of which one does not."
    )


def test_end_must_be_after_start_in_database(people):
    rivera, _, sam, _ = people
    must_refuse(
        lambda: book(rivera, sam, ends_at=NINE - timedelta(minutes=15)),
        "The database accepted an appointment that ends before it starts. Add a CheckConstraint "
        "named 'appointment_ends_after_start' comparing the two columns (F() refers to the other column).",
    )
    must_refuse(
        lambda: book(rivera, sam, ends_at=NINE),
        "The database accepted an appointment that ends at the very moment it starts: the end must be "
        "strictly after the start (gt, not gte).",
    )
    must_accept(
        lambda: book(rivera, sam, ends_at=NINE + timedelta(minutes=1)),
        "A one-minute appointment must be accepted.",
    )


def test_price_cannot_be_negative_in_database(people):
    rivera, _, sam, _ = people
    must_refuse(
        lambda: book(rivera, sam, price="-0.01"),
        "The database accepted a negative price. A validator only runs in full_clean(); add a "
        "CheckConstraint named 'appointment_price_not_negative' so that every write is checked.",
    )
    must_accept(lambda: book(rivera, sam, price="0.00"), "A free appointment (price 0) must be accepted.")


def test_license_number_is_unique_in_database(db):
    Doctor.objects.create(name="Dr. Rivera", specialty="cardiology", license_number="CA-123456")
    must_refuse(
        lambda: Doctor.objects.create(name="Dr. Impostor", specialty="general", license_number="CA-123456"),
        "Two doctors were saved with the same licence number: the column needs a unique index in the database.",
    )


def test_patients_without_national_id_do_not_collide(db):
    Patient.objects.create(full_name="No Id One")
    must_accept(
        lambda: Patient.objects.create(full_name="No Id Two"),
        "Two patients without a national id could not both be saved. A unique column stores a missing "
        "value as NULL (null=True), and NULLs never collide; an empty string '' is a value like any other.",
    )
    if Patient.objects.filter(national_id__isnull=True).count() != 2:
        pytest.fail("A patient created without a national id must store NULL, not an empty string.", pytrace=False)
    Patient.objects.create(full_name="Has Id", national_id="12345678901")
    must_refuse(
        lambda: Patient.objects.create(full_name="Same Id", national_id="12345678901"),
        "Two patients were saved with the same national id: it must be unique whenever it is present.",
    )
