"""Reading and validating curriculum/NN-slug/exercise/ (see docs/exercise-format.md).

Pure parsing: errors raise CurriculumError naming the file, nothing touches the database.
"""

import dataclasses
import datetime
import hashlib
from pathlib import Path

from course.curriculum import LESSON_DIR, CurriculumError, require, toml_load

STAGES = ("learner_tests", "hidden_tests", "lint", "django_check", "migrations")
LIMITS = {  # name: (kind, minimum, maximum)
    "wall_seconds": (int, 5, 900),
    "memory_mb": (int, 128, 8192),
    "pids": (int, 16, 4096),
    "output_kb": (int, 16, 4096),
    "cpus": (float, 0.1, 16.0),
}
IGNORED_PARTS = {"__pycache__", ".pytest_cache", ".ruff_cache", ".venv"}


@dataclasses.dataclass(frozen=True)
class HiddenTest:
    id: str
    points: int
    title: str
    hint: str
    anchor: str


@dataclasses.dataclass(frozen=True)
class ExerciseSource:
    path: Path  # the exercise/ directory
    slug: str
    title: str
    summary: str
    max_score: int
    django_settings: str
    limits: dict
    rubric: dict
    hidden: tuple[HiddenTest, ...]
    content_hash: str
    policy: dict = dataclasses.field(default_factory=dict)

    @property
    def starter_dir(self) -> Path:
        return self.path / "starter"

    @property
    def hidden_dir(self) -> Path:
        return self.path / "hidden_tests"


def tree_files(root: Path) -> list[Path]:
    """Regular files under `root`, sorted, without caches and virtualenvs."""
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and not p.is_symlink() and not IGNORED_PARTS.intersection(p.relative_to(root).parts)
        and p.suffix != ".pyc"
    )  # fmt: skip


def tree_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for path in tree_files(root):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _limits(path: Path, data: dict) -> dict:
    table = data.get("limits")
    if not isinstance(table, dict):
        raise CurriculumError(path, "[limits] table is required")
    limits = {}
    for name, (kind, low, high) in LIMITS.items():
        value = table.get(name)
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or isinstance(value, bool) or not low <= value <= high:
            raise CurriculumError(path, f"limits.{name} must be a number from {low} to {high}")
        limits[name] = value
    return limits


def _rubric(path: Path, data: dict, max_score: int) -> dict:
    table = data.get("rubric")
    if not isinstance(table, dict):
        raise CurriculumError(path, "[rubric] table is required")
    unknown = sorted(set(table) - set(STAGES))
    if unknown:
        raise CurriculumError(path, f"rubric.{unknown[0]} is not a stage (stages: {', '.join(STAGES)})")
    rubric = {stage: table.get(stage, 0) for stage in STAGES}
    for stage, points in rubric.items():
        if not isinstance(points, int) or isinstance(points, bool) or points < 0:
            raise CurriculumError(path, f"rubric.{stage} must be a whole number of points >= 0")
    if sum(rubric.values()) != max_score:
        raise CurriculumError(path, f"the rubric adds up to {sum(rubric.values())}, but max_score is {max_score}")
    return rubric


def _hidden(path: Path, data: dict, hidden_points: int, hidden_dir: Path, anchors: set[str]) -> tuple:
    entries = data.get("hidden", [])
    if not isinstance(entries, list):
        raise CurriculumError(path, "[[hidden]] must be an array of tables")
    tests, seen = [], set()
    for number, entry in enumerate(entries, start=1):
        where = f"[[hidden]] #{number}"
        if not isinstance(entry, dict):
            raise CurriculumError(path, f"{where} must be a table")
        test_id = require(path, entry, "id", str)
        if "::" not in test_id or test_id.startswith("/") or ".." in test_id.split("::")[0].split("/"):
            raise CurriculumError(path, f"{where}: id {test_id!r} must be a node id like tests/test_x.py::test_y")
        if test_id in seen:
            raise CurriculumError(path, f"{where}: duplicate id {test_id!r}")
        seen.add(test_id)
        if not (hidden_dir / test_id.split("::")[0]).is_file():
            raise CurriculumError(path, f"{where}: {test_id.split('::')[0]} is not in hidden_tests/")
        points = entry.get("points")
        if not isinstance(points, int) or isinstance(points, bool) or points < 1:
            raise CurriculumError(path, f"{where}: points must be a whole number >= 1")
        anchor = require(path, entry, "anchor", str)
        if anchors and anchor not in anchors:
            raise CurriculumError(path, f"{where}: anchor #{anchor} is not a heading in the lesson")
        tests.append(
            HiddenTest(
                id=test_id,
                points=points,
                title=require(path, entry, "title", str),
                hint=require(path, entry, "hint", str),
                anchor=anchor,
            )
        )
    total = sum(t.points for t in tests)
    if total != hidden_points:
        message = f"the [[hidden]] points add up to {total}, but rubric.hidden_tests is {hidden_points}"
        raise CurriculumError(path, message)
    return tuple(tests)


REVEAL = ("never", "after_due", "always")
POLICY_DEFAULTS = {
    "due_at": None,
    "late_penalty_percent": 0,
    "max_attempts": None,
    "cooldown_seconds": 0,
    "reveal_hidden": "never",
}


def _policy(path: Path, data: dict) -> dict:
    table = data.get("policy", {})
    if not isinstance(table, dict):
        raise CurriculumError(path, "[policy] must be a table")
    unknown = sorted(set(table) - {"due", "late_penalty_percent", "max_attempts", "cooldown_seconds", "reveal_hidden"})
    if unknown:
        raise CurriculumError(path, f"policy.{unknown[0]} is not a policy setting")
    policy = dict(POLICY_DEFAULTS)
    due = table.get("due")
    if due is not None:
        if not isinstance(due, datetime.datetime) or due.tzinfo is None:
            raise CurriculumError(path, "policy.due must be a TOML date-time with a zone, e.g. 2026-12-31T23:59:00Z")
        policy["due_at"] = due
    for key, low, high in (("late_penalty_percent", 0, 100), ("max_attempts", 1, 1000), ("cooldown_seconds", 0, 86400)):
        if key in table:
            value = table[key]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise CurriculumError(path, f"policy.{key} must be a whole number from {low} to {high}")
            policy[key] = value
    if "reveal_hidden" in table:
        if table["reveal_hidden"] not in REVEAL:
            raise CurriculumError(path, f"policy.reveal_hidden must be one of {', '.join(REVEAL)}")
        policy["reveal_hidden"] = table["reveal_hidden"]
    return policy


def exercise_read(lesson_dir: Path, anchors: set[str]) -> ExerciseSource | None:
    """The exercise beside a lesson, or None when the lesson has none.

    `anchors` are the lesson's heading anchors: every hidden check must link to one of them.
    """
    root = lesson_dir / "exercise"
    if not root.is_dir():
        return None
    path = root / "exercise.toml"
    if not path.is_file():
        raise CurriculumError(path, "exercise.toml is missing")
    data = toml_load(path, path.read_text())
    slug = require(path, data, "slug", str)
    if not LESSON_DIR.match(f"00-{slug}"):
        raise CurriculumError(path, f"slug {slug!r} must be lowercase letters, digits and hyphens")
    max_score = data.get("max_score")
    if not isinstance(max_score, int) or isinstance(max_score, bool) or not 1 <= max_score <= 1000:
        raise CurriculumError(path, "max_score must be a whole number from 1 to 1000")
    for required in ("starter/manage.py", "solution/manage.py"):
        if not (root / required).is_file():
            raise CurriculumError(root / required, f"{required} is missing")
    rubric = _rubric(path, data, max_score)
    hidden = _hidden(path, data, rubric["hidden_tests"], root / "hidden_tests", anchors)
    return ExerciseSource(
        path=root,
        slug=slug,
        title=require(path, data, "title", str),
        summary=data.get("summary", ""),
        max_score=max_score,
        django_settings=require(path, data, "django_settings", str),
        limits=_limits(path, data),
        rubric=rubric,
        hidden=hidden,
        content_hash=tree_hash(root),
        policy=_policy(path, data),
    )
