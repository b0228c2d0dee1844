"""exercise.toml's [mutation] table and exercise/mutants/NAME/ (docs/exercise-format.md)."""

import shutil

import pytest

from course.curriculum import CurriculumError
from exercises.curriculum import exercise_read, is_test_path, mutants_read
from tests.probe import PROBE_CURRICULUM

ANCHORS = {"doubling", "storing", "summary"}


@pytest.fixture
def root(tmp_path):
    shutil.copytree(PROBE_CURRICULUM / "01-probe", tmp_path / "01-probe")
    exercise = tmp_path / "01-probe" / "exercise"
    toml = exercise / "exercise.toml"
    toml.write_text(toml.read_text().replace("lint = 10", "lint = 0") + "\n[mutation]\npoints = 10\n")
    mutant(exercise, "adds-two", "def double(x: int) -> int:\n    return x + 2\n")
    return exercise


def mutant(exercise, name, code, toml='description = "double adds two"\nanchor = "doubling"\n', rel="probe/logic.py"):
    folder = exercise / "mutants" / name
    (folder / rel).parent.mkdir(parents=True, exist_ok=True)
    (folder / rel).write_text(code)
    (folder / "mutant.toml").write_text(toml)
    return folder


def read(exercise):
    return exercise_read(exercise.parent, anchors=ANCHORS)


def test_mutation_points_join_the_rubric_and_mutants_are_read(root):
    source = read(root)
    assert source.rubric == {
        "learner_tests": 10, "hidden_tests": 60, "lint": 0, "django_check": 10, "migrations": 10, "mutation": 10,
    }  # fmt: skip
    (only,) = source.mutants
    assert (only.name, only.description, only.anchor) == ("adds-two", "double adds two", "doubling")
    assert "write one that would" in only.hint
    assert mutants_read(root) == source.mutants


def test_exercises_without_mutation_keep_their_five_stages():
    source = exercise_read(PROBE_CURRICULUM / "01-probe", anchors=ANCHORS)
    assert "mutation" not in source.rubric
    assert source.mutants == ()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: shutil.rmtree(r / "mutants"), "[mutation] needs at least one mutant"),
        (lambda r: (r / "mutants" / "adds-two" / "mutant.toml").write_text('description = "x"\nanchor = "nope"\n'),
         "anchor #nope is not a heading"),
        (lambda r: (r / "mutants" / "adds-two" / "mutant.toml").unlink(), "mutant.toml is missing"),
        (lambda r: mutant(r, "Bad Name", "x = 1\n"), "folder name must be lowercase"),
        (lambda r: mutant(r, "same", (r / "solution/probe/logic.py").read_text()), "is the same as in solution/"),
        (lambda r: mutant(r, "new-file", "x = 1\n", rel="probe/extra.py"), "is not a file of solution/"),
        (lambda r: mutant(r, "test-file", "x = 1\n", rel="probe/tests/test_logic.py"), "never tests"),
        (lambda r: mutant(r, "knobs", "x = 1\n", toml='description = "x"\nanchor = "doubling"\nweight = 2\n'),
         "weight is not a mutant setting"),
    ],
)  # fmt: skip
def test_invalid_mutants_are_refused(root, change, message):
    change(root)
    with pytest.raises(CurriculumError, match=message.replace("[", r"\[").replace("#", r"\#")):
        read(root)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("[mutation]\npoints = 10\n", "mutants/ is graded only with [mutation] points"),
        ("[mutation]\npoints = 0\n", "mutants/ is graded only with [mutation] points"),
        ("[mutation]\npoints = 10\nmode = 1\n", "takes exactly one setting"),
        ("[mutation]\npoints = true\n", "[mutation] points must be a whole number"),
    ],
)
def test_invalid_mutation_tables_are_refused(root, table, message):
    toml = root / "exercise.toml"
    text = toml.read_text().replace("[mutation]\npoints = 10\n", "")
    if "exactly" in message or "whole number" in message:
        text += table
    elif "points = 0" in table:
        text = text.replace("lint = 0", "lint = 10") + table
    else:
        text = text.replace("lint = 0", "lint = 10")
    toml.write_text(text)
    with pytest.raises(CurriculumError, match=message.replace("[", r"\[").replace("]", r"\]")):
        read(root)


def test_mutation_points_in_the_rubric_table_are_refused(root):
    toml = root / "exercise.toml"
    toml.write_text(
        toml.read_text().replace("lint = 0", "lint = 0\nmutation = 10").replace("[mutation]\npoints = 10\n", "")
    )
    with pytest.raises(CurriculumError, match="give the mutation points as"):
        read(root)


def test_test_paths_are_the_learners_side():
    assert is_test_path("probe/tests/test_logic.py")
    assert is_test_path("pytest.ini")
    assert not is_test_path("probe/logic.py")
    assert not is_test_path("probe/migrations/0001_initial.py")
