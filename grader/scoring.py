"""Turning a sandbox run into a verdict, a score and feedback. Pure functions, no I/O.

The runner is inside the sandbox with the learner's code, so nothing it reports is trusted
blindly: fields are re-capped, unknown fields dropped, a hidden test that never reported has
failed, and a stage that claims success with a non-zero exit code has not succeeded.
"""

import dataclasses
import re
from decimal import ROUND_HALF_UP, Decimal

from exercises.models import Submission

Verdict = Submission.Verdict
# The version of the runner's results this host reads (sandbox/runner/runner.py SCHEMA): a
# grading image of another version is refused as an infrastructure error, never scored.
RESULTS_SCHEMA = 2
MESSAGE_CAP = 4096
OUTPUT_CAP = 16384
MAX_TESTS = 500
MAX_LINT = 200
MAX_MUTANTS = 50
MAX_FAILING_TESTS = 20
MAX_MSSQL = 100
MSSQL_SEVERITIES = ("error", "warning", "unverifiable")
# mssql_lint: each error-severity finding costs this share of the stage's points (two errors
# leave nothing); warnings and unverifiable operations are shown but cost nothing.
MSSQL_ERROR_SHARE = 0.5
MSSQL_LESSON = ("models-integrity", "sql-server-pitfalls")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
STAGE_TITLES = {
    "learner_tests": "Your own tests pass",
    "hidden_tests": "Hidden tests",
    "lint": "Lint (ruff, the course configuration)",
    "django_check": "python manage.py check",
    "migrations": "Migrations match the models (makemigrations --check)",
    "mssql_lint": "SQL Server readiness (T-SQL rendered offline)",
    "mutation": "Your tests catch bugs (mutation testing)",
}
# Where the course teaches what each non-test stage checks: (lesson slug, heading anchor).
STAGE_LESSONS = {
    "learner_tests": ("testing", "summary"),
    "lint": ("idiomatic-django", "summary"),
    "django_check": ("project-structure", "summary"),
    "migrations": ("models-integrity", "summary"),
    "mssql_lint": MSSQL_LESSON,
}
STAGE_STATUSES = {"passed", "failed", "error", "timeout", "memory", "skipped"}
OUTCOMES = {"passed", "failed", "error", "skipped"}


@dataclasses.dataclass(frozen=True)
class ExerciseSpec:
    lesson_slug: str
    max_score: int
    rubric: dict[str, int]
    hidden_tests: list[dict]  # as stored on Exercise.hidden_tests
    # The exercise's mutants (exercises.curriculum.Mutant as dicts), for the mutation stage.
    mutants: list[dict] = dataclasses.field(default_factory=list)

    @property
    def stages(self) -> list[str]:
        return [stage for stage, points in self.rubric.items() if points > 0]


@dataclasses.dataclass
class Grade:
    status: str
    verdict: str
    score: Decimal | None
    counts_as_attempt: bool
    results: dict
    flagged: bool = False
    flag_reason: str = ""
    error_message: str = ""
    image_id: str = ""
    # Held for review: a report honest code cannot produce (docs/grading-integrity.md).
    held: bool = False


def _cap(value, limit: int = MESSAGE_CAP) -> str:
    text = value if isinstance(value, str) else ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _int(value, default=None):
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _points(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def clean_results(raw: dict) -> dict:
    """The runner's results with every field type-checked and capped."""
    stages = []
    for stage in raw.get("stages", [])[:10] if isinstance(raw.get("stages"), list) else []:
        if not isinstance(stage, dict):
            continue
        status = stage.get("status") if stage.get("status") in STAGE_STATUSES else "error"
        stages.append(
            {
                "name": _cap(stage.get("name"), 32),
                "status": status,
                "duration_ms": _int(stage.get("duration_ms"), 0),
                "exit_code": _int(stage.get("exit_code")),
                "output": _cap(stage.get("output"), OUTPUT_CAP),
                "output_truncated": bool(stage.get("output_truncated")),
                "current_test": _cap(stage.get("current_test"), 300) or None,
            }
        )
    tests = []
    for test in raw.get("tests", [])[:MAX_TESTS] if isinstance(raw.get("tests"), list) else []:
        if isinstance(test, dict):
            tests.append(
                {
                    "id": _cap(test.get("id"), 500),
                    "stage": _cap(test.get("stage"), 32),
                    "outcome": test.get("outcome") if test.get("outcome") in OUTCOMES else "error",
                    "message": _cap(test.get("message")),
                    "duration_ms": _int(test.get("duration_ms"), 0),
                }
            )
    lint = []
    for finding in raw.get("lint", [])[:MAX_LINT] if isinstance(raw.get("lint"), list) else []:
        if isinstance(finding, dict):
            lint.append(
                {
                    "path": _cap(finding.get("path"), 300),
                    "line": _int(finding.get("line"), 0),
                    "column": _int(finding.get("column"), 0),
                    "code": _cap(finding.get("code"), 16),
                    "message": _cap(finding.get("message"), 500),
                }
            )
    errors = []
    for error in raw.get("collection_errors", [])[:50] if isinstance(raw.get("collection_errors"), list) else []:
        if isinstance(error, dict):
            errors.append(
                {
                    "path": _cap(error.get("path"), 300),
                    "line": _int(error.get("line")),
                    "message": _cap(error.get("message")),
                    "stage": _cap(error.get("stage"), 32),
                }
            )
    mutants = []
    for mutant in raw.get("mutants", [])[:MAX_MUTANTS] if isinstance(raw.get("mutants"), list) else []:
        if isinstance(mutant, dict):
            mutants.append(
                {
                    "name": _cap(mutant.get("name"), 64),
                    "caught": mutant.get("caught") is True,
                    "failing_tests": _test_ids(mutant.get("failing_tests")),
                    "detail": _cap(mutant.get("detail"), 500),
                }
            )
    equivalents = [
        {"name": _cap(v.get("name"), 64), "passed": v.get("passed") is True,
         "failing_tests": _test_ids(v.get("failing_tests")), "detail": _cap(v.get("detail"), 500)}
        for v in (raw.get("equivalents") if isinstance(raw.get("equivalents"), list) else [])[:MAX_MUTANTS]
        if isinstance(v, dict)
    ]  # fmt: skip
    reference = raw.get("mutation_reference")
    if isinstance(reference, dict):
        reference = {
            "status": reference.get("status") if reference.get("status") in STAGE_STATUSES else "error",
            "tests": _int(reference.get("tests"), 0),
            "failing_tests": _test_ids(reference.get("failing_tests")),
            "detail": _cap(reference.get("detail"), 500),
        }
    else:
        reference = None
    integrity = [
        {"stage": _cap(item.get("stage"), 32), "problem": _cap(item.get("problem"), 300)}
        for item in (raw.get("integrity") if isinstance(raw.get("integrity"), list) else [])[:40]
        if isinstance(item, dict)
    ]
    truncated = raw.get("truncated") if isinstance(raw.get("truncated"), dict) else {}
    mssql = _mssql_findings(raw.get("mssql"))
    cleaned = {
        "stages": stages,
        "tests": tests,
        "lint": lint,
        "collection_errors": errors,
        "truncated": {"tests": bool(truncated.get("tests")) or len(raw.get("tests") or []) > MAX_TESTS,
                      "lint": bool(truncated.get("lint")) or len(raw.get("lint") or []) > MAX_LINT},
        "internal_error": _cap(raw.get("internal_error"), 8192) or None,
        "mutants": mutants,
        "mutation_reference": reference,
        "equivalents": equivalents,
        "mssql": mssql,
        "integrity": integrity,
    }  # fmt: skip
    if "mssql" in raw:
        cleaned["truncated"]["mssql"] = bool(truncated.get("mssql")) or (
            isinstance(raw["mssql"], list) and len(raw["mssql"]) > MAX_MSSQL
        )
    return cleaned


def _mssql_findings(value) -> list[dict]:
    """SQL Server readiness findings: an unknown severity counts as an error, and a lesson link
    that is not a plain slug and anchor points at the SQL Server pitfalls section instead."""
    findings = []
    for finding in value[:MAX_MSSQL] if isinstance(value, list) else []:
        if not isinstance(finding, dict):
            continue
        lesson, anchor = finding.get("lesson"), finding.get("anchor")
        if not (isinstance(lesson, str) and SLUG.match(lesson) and isinstance(anchor, str) and SLUG.match(anchor)):
            lesson, anchor = MSSQL_LESSON
        line = _int(finding.get("line"))
        findings.append(
            {
                "rule": _cap(finding.get("rule"), 32),
                "severity": finding.get("severity") if finding.get("severity") in MSSQL_SEVERITIES else "error",
                "path": _cap(finding.get("path"), 300),
                "line": line if line and line > 0 else None,
                "message": _cap(finding.get("message"), 1500),
                "lesson": lesson,
                "anchor": anchor,
            }
        )
    return findings


def _test_ids(value) -> list[str]:
    items = value[:MAX_FAILING_TESTS] if isinstance(value, list) else []
    return [_cap(item, 500) for item in items if isinstance(item, str)]


def _stage_ok(stage: dict | None) -> bool:
    return stage is not None and stage["status"] == "passed" and stage["exit_code"] == 0


def grade(
    *,
    spec: ExerciseSpec,
    raw_results: dict | None,
    timed_out: bool,
    oom_killed: bool,
    output_exceeded: bool,
    stages_started: list[str],
    forged: list[str] = (),
    hidden_lines: frozenset[str] = frozenset(),
) -> Grade:
    """`forged`: hidden check ids whose real test and twin both passed (grader.twins);
    `hidden_lines`: the hidden files' lines, which no message shown to a learner may quote."""
    if raw_results is None:
        # The container ended without printing results: a limit killed it, or the runner broke.
        verdict = (
            Verdict.OUTPUT_LIMIT
            if output_exceeded
            else Verdict.MEMORY_LIMIT
            if oom_killed
            else Verdict.TIMEOUT
            if timed_out
            else None
        )
        if verdict is None:
            return _infra_error("The grader produced no results. This is not counted as an attempt.")
        limit = {"stage": stages_started[-1] if stages_started else None, "test": None}
        return Grade(
            status=Submission.Status.GRADED,
            verdict=verdict,
            score=Decimal("0.00"),
            counts_as_attempt=True,
            results={"checks": [], "stages": [], "lint": [], "limit": limit, "collection_errors": []},
        )
    if raw_results.get("schema") != RESULTS_SCHEMA:
        return _infra_error(
            f"The grading image speaks results schema {raw_results.get('schema')!r}, not {RESULTS_SCHEMA}: it is "
            "out of date. This is not counted as an attempt."
        )
    results = clean_results(raw_results)
    if results["internal_error"]:
        return _infra_error("The grader failed internally. This is not counted as an attempt.", results)
    stages = {stage["name"]: stage for stage in results["stages"]}
    checks, flagged, flag_reason = [], False, ""
    problems = {}
    for item in results["integrity"]:
        problems.setdefault(item["stage"], item["problem"])

    # The learner's own tests: points in proportion to the tests that passed.
    if spec.rubric["learner_tests"]:
        own = [t for t in results["tests"] if t["stage"] == "learner_tests"]
        passed = sum(t["outcome"] == "passed" for t in own)
        stage = stages.get("learner_tests")
        ratio = passed / len(own) if own and stage and stage["status"] in {"passed", "failed"} else 0
        detail = f"{passed} of {len(own)} of your tests passed" if own else "No tests of yours were collected."
        if "learner_tests" in problems:
            # Outcomes were rewritten (a conftest.py hook, a patch of pytest): they prove nothing.
            ratio, detail = 0, (
                "Your test run reported a test that must fail as passed, so its outcomes were rewritten "
                "(a conftest.py hook or a patch of pytest). These points need pytest's own outcomes."
            )
        checks.append(_stage_check("learner_tests", spec, ratio, detail))

    # Hidden tests: only the ids in exercise.toml count; one that never reported has failed.
    hidden_stage = stages.get("hidden_tests")
    reported = {t["id"]: t for t in results["tests"] if t["stage"] == "hidden_tests"}
    missing = 0
    for hidden in spec.hidden_tests:
        test = reported.get(hidden["id"])
        if test is None:
            missing += 1
        passed = test is not None and test["outcome"] == "passed"
        checks.append(
            {
                "key": hidden["id"],
                "stage": "hidden_tests",
                "title": hidden["title"],
                "passed": passed,
                "points": float(hidden["points"] if passed else 0),
                "max_points": float(hidden["points"]),
                "hint": hidden["hint"],
                "lesson": spec.lesson_slug,
                "anchor": hidden["anchor"],
                "visibility": "hidden",
                "message": (scrub(test["message"], hidden_lines) if test else "This test did not report a result."),
            }
        )
    if hidden_stage and hidden_stage["exit_code"] == 0 and missing and spec.hidden_tests:
        flagged = True
        flag_reason = (
            f"The hidden-test run exited 0 but {missing} of {len(spec.hidden_tests)} tests never "
            "reported (os._exit or report tampering?)."
        )

    held = bool(forged) or "hidden_tests" in problems
    reasons = []
    if forged:
        reasons.append(f"{len(forged)} hidden test{'s' if len(forged) != 1 else ''} passed together with "
                       f"{'their' if len(forged) != 1 else 'its'} opposite twin: the hidden-test report was forged.")
    if "hidden_tests" in problems:
        reasons.append(f"Hidden-test report: {problems['hidden_tests']}.")
    reasons.extend(f"{name}: {problems[name]}." for name in ("learner_tests", "django_check", "migrations")
                   if name in problems)  # fmt: skip
    if reasons:
        flagged = True
        flag_reason = " ".join(filter(None, [flag_reason, *reasons]))

    for name in ("lint", "django_check", "migrations"):
        if not spec.rubric[name]:
            continue
        stage = stages.get(name)
        if name == "lint":
            ran = stage is not None and stage["status"] in {"passed", "failed"}
            findings = len(results["lint"])
            ratio = max(0, spec.rubric[name] - findings) / spec.rubric[name] if ran else 0
            detail = f"{findings} finding{'s' if findings != 1 else ''}" if ran else "Lint did not run."
        else:
            ratio = 1 if _stage_ok(stage) else 0
            detail = "" if ratio else _cap(stage["output"][-1500:] if stage else "This stage did not run.", 1500)
        checks.append(_stage_check(name, spec, ratio, detail))

    checks.extend(_mssql_checks(spec, results, stages.get("mssql_lint")))
    checks.extend(_mutation_checks(spec, results, stages.get("mutation")))

    score = min(_points(sum(c["points"] for c in checks)), Decimal(spec.max_score))
    limit = None
    verdict = Verdict.PASSED if score == spec.max_score else Verdict.FAILED
    timeout_stage = next((s for s in results["stages"] if s["status"] == "timeout"), None)
    counts = True
    flooded = any(s["output_truncated"] for s in results["stages"])
    if output_exceeded or (flooded and verdict != Verdict.PASSED):
        # Cut output explains a failure; it does not spoil a run where everything passed.
        verdict = Verdict.OUTPUT_LIMIT
    elif oom_killed or any(s["status"] == "memory" for s in results["stages"]):
        verdict = Verdict.MEMORY_LIMIT
        memory_stage = next((s for s in results["stages"] if s["status"] == "memory"), None)
        limit = {"stage": memory_stage["name"] if memory_stage else None, "test": None}
    elif timeout_stage or timed_out:
        verdict = Verdict.TIMEOUT
        limit = {
            "stage": timeout_stage["name"] if timeout_stage else (stages_started or [None])[-1],
            "test": timeout_stage["current_test"] if timeout_stage else None,
        }
    elif results["collection_errors"] and hidden_stage and hidden_stage["status"] == "error":
        # The project does not even import: not a real attempt, and it costs none.
        verdict, counts, score = Verdict.SYNTAX_ERROR, False, Decimal("0.00")
    results.update({"checks": checks, "limit": limit})
    return Grade(
        status=Submission.Status.GRADED,
        verdict=verdict,
        score=score,
        counts_as_attempt=counts,
        results=results,
        flagged=flagged,
        flag_reason=flag_reason,
        held=held,
    )


def _infra_error(message: str, results: dict | None = None) -> Grade:
    """A fault on our side: no score, no attempt used, never the learner's flag."""
    return Grade(status=Submission.Status.ERROR, verdict=Verdict.INFRA_ERROR, score=None, counts_as_attempt=False,
                 results=results or {}, error_message=message)  # fmt: skip


def scrub(message: str, hidden_lines: frozenset[str]) -> str:
    """A hidden test's message without any line that quotes the hidden files, capped."""
    lines = message.splitlines()
    long_lines = [h for h in hidden_lines if len(h) >= 12]
    kept = [
        line for line in lines
        if line.strip() not in hidden_lines and not any(h in line for h in long_lines)
    ]  # fmt: skip
    if len(kept) < len(lines):
        kept.append("[lines quoting the hidden tests removed]")
    return _cap("\n".join(kept), 1000)


def hidden_lines_of(files: dict[str, bytes]) -> frozenset[str]:
    """Every non-trivial line of the hidden files, stripped, for `scrub`."""
    lines = set()
    for content in files.values():
        for line in content.decode("utf-8", errors="replace").splitlines():
            if len(line.strip()) >= 4:
                lines.add(line.strip())
    return frozenset(lines)


def _shares(points: int, count: int) -> list[float]:
    """`points` split into `count` shares of whole cents that add up exactly."""
    base, extra = divmod(points * 100, count)
    return [(base + (1 if i < extra else 0)) / 100 for i in range(count)]


def _mutation_checks(spec: ExerciseSpec, results: dict, stage: dict | None) -> list[dict]:
    """One check per mutant: its share of the mutation points when one of the learner's tests
    failed against it, and nothing at all unless their tests pass on the reference app."""
    points = spec.rubric.get("mutation", 0)
    if not points or not spec.mutants:
        return []
    reference = results["mutation_reference"]
    reference_ok = stage is not None and reference is not None and reference["status"] == "passed"
    if stage is None or reference is None:
        refused = "The mutation stage did not run."
    else:
        detail = reference["detail"] or f"status {reference['status']}"
        failing = ", ".join(reference["failing_tests"][:5])
        refused = f"Your tests must pass on the reference app before a mutant counts: {detail}." + (
            f" Failing: {failing}" if failing else ""
        )
    rewrites = [v["name"] for v in results["equivalents"] if not v["passed"]]
    if rewrites:
        failing = ", ".join(next(v for v in results["equivalents"] if not v["passed"])["failing_tests"][:3])
        refused = (
            f"Your tests fail on {len(rewrites)} rewrite{'s' if len(rewrites) != 1 else ''} of the reference app "
            "that behave exactly the same, so they check how the code is written (its text, its shape), not what "
            "it does: no mutant counts until they test behaviour only." + (f" Failing: {failing}" if failing else "")
        )
    reported = {m["name"]: m for m in results["mutants"]}
    checks = []
    for mutant, share in zip(spec.mutants, _shares(points, len(spec.mutants)), strict=True):
        run = reported.get(mutant["name"])
        caught = reference_ok and run is not None and run["caught"]
        if not reference_ok:
            message = refused
        elif run is None:
            message = "This mutant did not report a result."
        elif caught:
            names = ", ".join(run["failing_tests"][:5])
            message = f"Caught by {names}." if names else f"Caught: {run['detail']}."
        else:
            message = f"Not caught: {run['detail'] or 'no test of yours failed'}."
        checks.append(
            {
                "key": f"mutant:{mutant['name']}",
                "stage": "mutation",
                "title": f"Catches: {mutant['description']}",
                "passed": caught,
                "points": share if caught else 0.0,
                "max_points": share,
                "hint": mutant.get("hint") or "None of your tests failed against this bug: write one that would.",
                "lesson": spec.lesson_slug,
                "anchor": mutant["anchor"],
                "visibility": "visible",
                "message": _cap(message, 1500),
            }
        )
    return checks


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 or word == 'unverifiable' else 's'}"


def _mssql_checks(spec: ExerciseSpec, results: dict, stage: dict | None) -> list[dict]:
    """SQL Server readiness: full points without error findings, minus MSSQL_ERROR_SHARE of
    them per error (floor 0); nothing when the stage could not render the project."""
    points = spec.rubric.get("mssql_lint", 0)
    if not points:
        return []
    ran = stage is not None and stage["status"] in {"passed", "failed"} and stage["exit_code"] == 0
    if not ran:
        output = stage["output"][-1500:] if stage and stage["output"] else "This stage did not run."
        detail = _cap(f"The project's migrations could not be rendered for SQL Server.\n{output}", 1500)
        return [_stage_check("mssql_lint", spec, 0, detail)]
    counts = dict.fromkeys(MSSQL_SEVERITIES, 0)
    for finding in results["mssql"]:
        counts[finding["severity"]] += 1
    ratio = max(0.0, 1 - MSSQL_ERROR_SHARE * counts["error"])
    if not results["mssql"]:
        detail = "No SQL Server hazards found."
    else:
        detail = (
            f"{_plural(counts['error'], 'error')}, {_plural(counts['warning'], 'warning')}, "
            f"{_plural(counts['unverifiable'], 'unverifiable')} (see SQL Server readiness below)."
        )
        if counts["error"]:
            detail += " Each error costs half of these points; warnings cost nothing."
        if counts["unverifiable"]:
            detail += " Unverifiable operations were not checked: they need a live SQL Server."
    return [_stage_check("mssql_lint", spec, ratio, detail)]


def _stage_check(name: str, spec: ExerciseSpec, ratio: float, detail: str) -> dict:
    max_points = spec.rubric[name]
    lesson, anchor = STAGE_LESSONS.get(name, (spec.lesson_slug, "summary"))
    return {
        "key": name,
        "stage": name,
        "title": STAGE_TITLES[name],
        "passed": ratio >= 1,
        "points": float(_points(max_points * ratio)),
        "max_points": float(max_points),
        "hint": detail,
        "lesson": lesson,
        "anchor": anchor,
        "visibility": "visible",
        "message": detail,
    }


def late_penalty_apply(result: Grade, *, penalty_percent: int) -> Grade:
    """Scale a late submission's score down by the exercise's penalty, and say so in the results."""
    if result.score is None or not penalty_percent:
        return result
    result.score = _points(result.score * (100 - penalty_percent) / 100)
    # The verdict stays: a late full pass is still a pass, with the penalty shown beside it.
    result.results["late"] = {"penalty_percent": penalty_percent}
    return result
