"""Hidden checks: indexes derived from the query patterns, declared in Meta.indexes and migrated."""

from django.db import connection
from django.db.migrations.loader import MigrationLoader

from schedule.models import Session

UPCOMING = "session_status_city_start_idx"
BY_COURSE = "session_course_start_idx"


def declared():
    return {index.name: list(index.fields) for index in Session._meta.indexes}


def migrated():
    state = MigrationLoader(connection, ignore_no_migrations=True).project_state()
    model = state.models.get(("schedule", "session"))
    return {index.name: list(index.fields) for index in (model.options.get("indexes", []) if model else [])}


def test_upcoming_index_order():
    fields = declared().get(UPCOMING)
    assert fields is not None, (
        f"Session.Meta.indexes has no index named {UPCOMING!r} (found {sorted(declared())}). upcoming_sessions() "
        "is the busiest query of the site: give it a composite index with the name README.md asks for."
    )
    good = len(fields) == 3 and set(fields[:2]) == {"status", "city"} and fields[2] == "starts_at"
    assert good, (
        f"{UPCOMING} indexes {fields}. The query filters status = 'open' AND city = ? (equalities), then "
        "starts_at >= now (a range) and ORDER BY starts_at. Equality columns first, then the range/sort "
        "column: with starts_at first the database walks every future session and checks the rest on each."
    )


def test_course_sessions_index():
    fields = declared().get(BY_COURSE)
    assert fields in (["course", "starts_at"], ["course_id", "starts_at"]), (
        f"{BY_COURSE} indexes {fields}. course_sessions() filters one course and orders by starts_at: "
        "an index on (course, starts_at) finds the course's sessions already in date order."
    )
    old = [name for name, f in declared().items() if f and f[0] in ("starts_at", "-starts_at")]
    assert not old, (
        f"{old} lead with starts_at: no query here filters on starts_at alone, so it only slows every write. "
        "Replace it rather than add to it."
    )


def test_indexes_are_in_migrations(db):
    in_models = declared()
    in_migrations = migrated()
    missing = {name: f for name, f in in_models.items() if in_migrations.get(name) != f}
    stale = sorted(set(in_migrations) - set(in_models))
    assert not missing and not stale and {UPCOMING, BY_COURSE} <= set(in_migrations), (
        f"The migrations build indexes {in_migrations}, the model declares {in_models}. Tests and every "
        "deployment build the schema from migrations: run `python manage.py makemigrations` and submit "
        "the new file."
    )
    with connection.cursor() as cursor:
        in_database = connection.introspection.get_constraints(cursor, Session._meta.db_table)
    assert UPCOMING in in_database and in_database[UPCOMING]["index"], f"{UPCOMING} is not in the test database."
