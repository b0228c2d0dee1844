"""Reading and validating curriculum/NN-slug/exercise/ (see docs/exercise-format.md).

Pure parsing: errors raise CurriculumError naming the file, nothing touches the database.
"""

import dataclasses
import datetime
import hashlib
import importlib.util
import re
import sys
from pathlib import Path

from course.curriculum import LESSON_DIR, CurriculumError, require, toml_load

STAGES = ("learner_tests", "hidden_tests", "lint", "django_check", "migrations", "mssql_lint", "mutation")
# Stages that appear in a rubric only when the exercise asks for them.
OPTIONAL_STAGES = ("mssql_lint", "mutation")
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
class Mutant:
    name: str
    description: str
    anchor: str
    hint: str


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
    mutants: tuple[Mutant, ...] = ()

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
    if "mutation" in table:
        raise CurriculumError(path, "rubric.mutation: give the mutation points as [mutation] points = N")
    rubric = {stage: table.get(stage, 0) for stage in STAGES if stage not in OPTIONAL_STAGES}
    if "mssql_lint" in table:
        # SQL Server readiness (offline T-SQL hazards): only exercises that list it run it.
        rubric["mssql_lint"] = table["mssql_lint"]
    mutation = data.get("mutation")
    if mutation is not None:
        # Only exercises with a [mutation] table have the stage in their rubric.
        if not isinstance(mutation, dict):
            raise CurriculumError(path, "[mutation] must be a table")
        if sorted(mutation) != ["points"]:
            raise CurriculumError(path, "[mutation] takes exactly one setting: points = N")
        rubric["mutation"] = mutation["points"]
    for stage, points in rubric.items():
        if not isinstance(points, int) or isinstance(points, bool) or points < 0:
            where = "[mutation] points" if stage == "mutation" else f"rubric.{stage}"
            raise CurriculumError(path, f"{where} must be a whole number of points >= 0")
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


MUTANT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
MAX_MUTANTS = 50


RUNNER_DIR = Path(__file__).resolve().parent.parent / "sandbox" / "runner"


def runner_module(name: str):
    """A module of the grading runner, loaded by path once (sandbox/runner/ is not a package).

    Rules that the site and the sandbox share live there, in one copy. (grader.mssql_ddl loads
    mssql_hazards.py the same way on its own: it also runs in child processes of other projects,
    where this module cannot be imported.)
    """
    key = f"academy_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, RUNNER_DIR / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module  # dataclasses look their module up while being created
        spec.loader.exec_module(module)
    return sys.modules[key]


# The learner's side of a project in the mutation stage: their tests and pytest configuration.
is_test_path = runner_module("project_files").is_test_path


def _overlay_check(folder: Path, toml: Path, solution: Path, kind: str) -> None:
    """A mutant's or an equivalent's files: app files of solution/ (never tests), each changed."""
    overlay = [p for p in tree_files(folder) if p != toml]
    if not overlay:
        raise CurriculumError(folder, f"{kind} changes at least one file of solution/")
    for file in overlay:
        rel = file.relative_to(folder).as_posix()
        if is_test_path(rel):
            raise CurriculumError(file, f"{kind} changes app files, never tests or pytest configuration")
        if not (solution / rel).is_file():
            raise CurriculumError(file, f"{rel} is not a file of solution/")
        if (solution / rel).read_bytes() == file.read_bytes():
            raise CurriculumError(file, f"{rel} is the same as in solution/")


def mutants_read(root: Path, anchors: set[str] | None = None) -> tuple[Mutant, ...]:
    """The mutants under exercise/mutants/NAME/: overlays of solution/ app files, plus mutant.toml."""
    base = root / "mutants"
    if not base.is_dir():
        return ()
    mutants = []
    solution = root / "solution"
    for folder in sorted(p for p in base.iterdir() if p.is_dir()):
        path = folder / "mutant.toml"
        if not MUTANT_NAME.match(folder.name):
            raise CurriculumError(folder, "a mutant's folder name must be lowercase letters, digits, - and _")
        if not path.is_file():
            raise CurriculumError(path, "mutant.toml is missing")
        data = toml_load(path, path.read_text())
        unknown = sorted(set(data) - {"description", "anchor", "hint"})
        if unknown:
            raise CurriculumError(path, f"{unknown[0]} is not a mutant setting (description, anchor, hint)")
        anchor = require(path, data, "anchor", str)
        if anchors is not None and anchor not in anchors:
            raise CurriculumError(path, f"anchor #{anchor} is not a heading in the lesson")
        hint = data.get("hint", "None of your tests failed against this bug: write one that would.")
        if not isinstance(hint, str):
            raise CurriculumError(path, "hint must be a string")
        _overlay_check(folder, path, solution, "a mutant")
        mutants.append(
            Mutant(name=folder.name, description=require(path, data, "description", str), anchor=anchor, hint=hint)
        )
    if len(mutants) > MAX_MUTANTS:
        raise CurriculumError(base, f"at most {MAX_MUTANTS} mutants")
    return tuple(mutants)


def equivalents_read(root: Path) -> tuple[Mutant, ...]:
    """The equivalent variants under exercise/equivalents/NAME/: rewrites of solution/ app files
    that keep its behaviour (equivalent.toml has a description). A learner suite must pass on
    every one, or its tests check how the code is written rather than what it does."""
    base = root / "equivalents"
    if not base.is_dir():
        return ()
    variants = []
    solution = root / "solution"
    for folder in sorted(p for p in base.iterdir() if p.is_dir()):
        path = folder / "equivalent.toml"
        if not MUTANT_NAME.match(folder.name):
            raise CurriculumError(folder, "an equivalent's folder name must be lowercase letters, digits, - and _")
        if not path.is_file():
            raise CurriculumError(path, "equivalent.toml is missing")
        data = toml_load(path, path.read_text())
        if sorted(data) != ["description"]:
            raise CurriculumError(path, "equivalent.toml holds exactly one setting: description")
        _overlay_check(folder, path, solution, "an equivalent")
        description = require(path, data, "description", str)
        variants.append(Mutant(name=folder.name, description=description, anchor="", hint=""))
    if len(variants) > MAX_MUTANTS:
        raise CurriculumError(base, f"at most {MAX_MUTANTS} equivalents")
    return tuple(variants)


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
    mutants = mutants_read(root, anchors or None)
    if rubric.get("mutation") and not mutants:
        raise CurriculumError(path, "[mutation] needs at least one mutant under mutants/")
    if mutants and not rubric.get("mutation"):
        raise CurriculumError(path, "mutants/ is graded only with [mutation] points = N (>= 1)")
    if equivalents_read(root) and not mutants:
        raise CurriculumError(path, "equivalents/ belong to a mutation exercise (mutants/ and [mutation])")
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
        mutants=mutants,
    )
