"""Self-verification of every exercise in the curriculum, through the real grader.

For each exercise: the reference solution scores full marks, the starter at most 30%, and
every realistic mistake under exercise/mistakes/ loses the points of the checks it names,
each of which links to a heading of the lesson, and every correct alternative under
exercise/alternatives/ scores full marks, unflagged (checks are about behaviour, not about one
way of writing it). The host-side tests/test_hidden_suites.py runs the hidden suites in random
order at simulated clock times.
"""

import tomllib
from pathlib import Path

import pytest
from django.conf import settings

from course.services import curriculum_sync
from exercises.models import Exercise
from exercises.tests.archives import make_zip, tree_members
from tests.integration.conftest import grading_containers, submit, wait_graded

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

EXERCISE_DIRS = sorted(p for p in settings.CURRICULUM_DIR.glob("*/exercise") if p.is_dir())


def mistake_archive(root: Path, mistake: Path, meta: str = "mistake.toml") -> bytes:
    """The solution with the folder's files laid over it (a mistake's or an alternative's)."""
    overlay = {
        str(p.relative_to(mistake)): p.read_bytes()
        for p in mistake.rglob("*")
        if p.is_file() and p.name != meta and "__pycache__" not in p.parts
    }
    return make_zip(tree_members(root / "solution", overlay))


@pytest.mark.parametrize("root", EXERCISE_DIRS, ids=[p.parent.name for p in EXERCISE_DIRS])
def test_exercise_verifies_itself_through_the_grader(celery_worker, learner, root):
    curriculum_sync(root=settings.CURRICULUM_DIR)
    slug = tomllib.loads((root / "exercise.toml").read_text())["slug"]
    exercise = Exercise.objects.select_related("lesson").get(slug=slug)
    mistakes = sorted(p for p in (root / "mistakes").iterdir() if p.is_dir())
    assert len(mistakes) >= 6, "every exercise ships at least six realistic mistakes"
    alternatives_dir = root / "alternatives"
    alternatives = sorted(p for p in alternatives_dir.iterdir() if p.is_dir()) if alternatives_dir.is_dir() else []
    assert len(alternatives) >= 1, "every exercise ships at least one correct alternative solution"
    for mistake in mistakes:
        spec = tomllib.loads((mistake / "mistake.toml").read_text())
        assert spec.get("description"), f"{mistake.name}: mistake.toml has a description"
        assert spec.get("must_fail"), f"{mistake.name}: mistake.toml names the checks it must fail"
    for alternative in alternatives:
        spec = tomllib.loads((alternative / "alternative.toml").read_text())
        assert spec.get("description"), f"{alternative.name}: alternative.toml has a description"

    runs = {"solution": make_zip(tree_members(root / "solution")), "starter": make_zip(tree_members(root / "starter"))}
    runs.update({f"mistake:{m.name}": mistake_archive(root, m) for m in mistakes})
    runs.update({f"alternative:{a.name}": mistake_archive(root, a, "alternative.toml") for a in alternatives})
    submitted = {name: submit(user=learner, exercise=exercise, data=data) for name, data in runs.items()}
    graded = dict(zip(submitted, wait_graded(list(submitted.values()), timeout=900), strict=True))
    summary = {name: (s.verdict, str(s.score)) for name, s in graded.items()}
    print(f"{slug}: {summary}")  # noqa: T201 (shown when an assertion below fails)

    solution = graded["solution"]
    assert (solution.verdict, solution.score) == ("passed", exercise.max_score), solution.results.get("checks")
    assert (solution.flagged, solution.flag_reason, solution.held) == (False, "", False), "the reference looks forged"
    assert graded["starter"].score <= exercise.max_score * 0.3
    anchors = {check["anchor"] for check in solution.results["checks"] if check["stage"] == "hidden_tests"}
    assert anchors <= {t["anchor"] for t in exercise.hidden_tests}
    # Mutation exercises: the reference suite catches every mutant (checks keyed mutant:NAME).
    mutants = sorted(p.name for p in (root / "mutants").iterdir() if p.is_dir()) if (root / "mutants").is_dir() else []
    caught = {c["key"]: c["passed"] for c in solution.results["checks"] if c["stage"] == "mutation"}
    assert caught == {f"mutant:{name}": True for name in mutants}, solution.results.get("mutants")

    for alternative in alternatives:
        result = graded[f"alternative:{alternative.name}"]
        failed = [c["key"] for c in result.results["checks"] if not c["passed"]]
        assert (result.verdict, result.score, failed) == ("passed", exercise.max_score, []), alternative.name
        assert (result.flagged, result.flag_reason, result.held) == (False, "", False), alternative.name

    for mistake in mistakes:
        spec = tomllib.loads((mistake / "mistake.toml").read_text())
        result = graded[f"mistake:{mistake.name}"]
        checks = {c["key"]: c for c in result.results["checks"]}
        assert result.score < exercise.max_score, mistake.name
        # Honest wrong code never passes a hidden test together with its twin (grader.twins).
        assert (result.held, result.results["twins"]["forged"]) == (False, []), f"{mistake.name} was held"
        for check_id in spec["must_fail"]:
            assert check_id in checks, f"{mistake.name}: {check_id} is not a check id (hidden node id or mutant:NAME)"
            assert checks[check_id]["passed"] is False, f"{mistake.name}: {check_id} should fail"
            assert checks[check_id]["anchor"], f"{mistake.name}: {check_id} links to the lesson"
    assert grading_containers() == []
