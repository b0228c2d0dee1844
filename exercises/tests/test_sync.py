import shutil

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from course.services import curriculum_sync
from exercises.models import Exercise
from tests.probe import PROBE_CURRICULUM

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(tmp_path):
    shutil.copytree(PROBE_CURRICULUM, tmp_path / "curriculum")
    return tmp_path / "curriculum"


def toml_path(root):
    return root / "01-probe" / "exercise" / "exercise.toml"


def edit_toml(root, old, new):
    path = toml_path(root)
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_exercise_is_loaded_with_limits_rubric_and_hidden_catalogue(root):
    _, report = curriculum_sync(root=root)
    exercise = Exercise.objects.get()
    assert report.exercises_created == ["probe"]
    assert (exercise.slug, exercise.lesson.slug, exercise.max_score, exercise.django_settings) == (
        "probe",
        "probe",
        100,
        "probe_site.settings",
    )
    assert (exercise.wall_seconds, exercise.memory_mb, exercise.pids, exercise.output_kb, float(exercise.cpus)) == (
        30,
        256,
        64,
        64,
        1.0,
    )
    assert exercise.rubric == {
        "learner_tests": 10,
        "hidden_tests": 60,
        "lint": 10,
        "django_check": 10,
        "migrations": 10,
    }
    assert [t["id"] for t in exercise.hidden_tests] == [
        "tests_hidden/test_hidden.py::test_double_of_21_is_42",
        "tests_hidden/test_hidden.py::test_item_round_trips_through_the_database",
    ]
    assert (exercise.due_at, exercise.max_attempts, exercise.reveal_hidden) == (None, None, "never")


def test_second_sync_writes_nothing_and_a_change_updates(root):
    curriculum_sync(root=root)
    with CaptureQueriesContext(connection) as queries:
        curriculum_sync(root=root)
    assert [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))] == []
    edit_toml(root, "memory_mb = 256", "memory_mb = 512")
    _, report = curriculum_sync(root=root)
    assert report.exercises_updated == ["probe"]
    assert Exercise.objects.get().memory_mb == 512


def test_removed_exercise_is_unpublished(root):
    curriculum_sync(root=root)
    shutil.rmtree(root / "01-probe" / "exercise")
    _, report = curriculum_sync(root=root)
    assert report.exercises_unpublished == ["probe"]
    assert Exercise.objects.get().is_published is False


def test_policy_is_read_and_an_admin_override_survives_sync(root):
    edit_toml(
        root,
        "[limits]",
        "[policy]\ndue = 2026-12-31T23:59:00Z\nlate_penalty_percent = 20\nmax_attempts = 5\n"
        'reveal_hidden = "after_due"\n\n[limits]',
    )
    curriculum_sync(root=root)
    exercise = Exercise.objects.get()
    assert (
        exercise.due_at.isoformat(),
        exercise.late_penalty_percent,
        exercise.max_attempts,
        exercise.reveal_hidden,
    ) == ("2026-12-31T23:59:00+00:00", 20, 5, "after_due")
    Exercise.objects.update(max_attempts=9, policy_overridden=True)
    edit_toml(root, "memory_mb = 256", "memory_mb = 300")
    curriculum_sync(root=root)
    assert Exercise.objects.values_list("max_attempts", "memory_mb").get() == (9, 300)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("hidden_tests = 60", "hidden_tests = 50", "the rubric adds up to 90, but max_score is 100"),
        ('anchor = "doubling"', 'anchor = "no-such-heading"', "anchor #no-such-heading is not a heading in the lesson"),
        ('points = 30\ntitle = "double', 'points = 20\ntitle = "double', "the [[hidden]] points add up to 50"),
        ("test_hidden.py::test_double_of_21_is_42", "missing.py::test_x", "missing.py is not in hidden_tests/"),
        ("wall_seconds = 30", "wall_seconds = 2", "limits.wall_seconds must be a number from 5 to 900"),
        ("lint = 10", "lint = 10\nstyle = 0", "rubric.style is not a stage"),
        ('slug = "probe"', 'slug = "Probe!"', "slug 'Probe!' must be lowercase"),
        ("[limits]", '[policy]\nreveal_hidden = "sometimes"\n\n[limits]', "policy.reveal_hidden must be one of"),
        ("[limits]", "[policy]\ndue = 2026-12-31\n\n[limits]", "policy.due must be a TOML date-time with a zone"),
        ("max_score = 100", "max_score = 100\nmax_score = 1", "invalid TOML"),
    ],
)
def test_invalid_exercise_toml_names_the_file_and_writes_nothing(root, old, new, message):
    edit_toml(root, old, new)
    with pytest.raises(CommandError) as excinfo:
        call_command("sync_curriculum", root=root)
    assert str(toml_path(root)) in str(excinfo.value)
    assert message in str(excinfo.value)
    assert Exercise.objects.count() == 0
