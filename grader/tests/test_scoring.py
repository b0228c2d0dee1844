from decimal import Decimal

import pytest

from grader.scoring import RESULTS_SCHEMA, ExerciseSpec, clean_results, grade

HIDDEN = [
    {"id": "tests_hidden/test_h.py::test_a", "points": 40, "title": "A works", "hint": "Do A.", "anchor": "a"},
    {"id": "tests_hidden/test_h.py::test_b", "points": 20, "title": "B works", "hint": "Do B.", "anchor": "b"},
]
SPEC = ExerciseSpec(
    lesson_slug="orm",
    max_score=100,
    hidden_tests=HIDDEN,
    rubric={"learner_tests": 10, "hidden_tests": 60, "lint": 10, "django_check": 10, "migrations": 10},
)


def stage(name, status="passed", exit_code=0, **extra):
    return {
        "name": name,
        "status": status,
        "duration_ms": 100,
        "exit_code": exit_code,
        "output": "",
        "output_truncated": False,
        "current_test": None,
        **extra,
    }


def reported(test_id, stage_name, outcome="passed", message=""):
    return {"id": test_id, "stage": stage_name, "outcome": outcome, "message": message, "duration_ms": 5}


def results(**overrides):
    base = {
        "schema": RESULTS_SCHEMA,
        "stages": [
            stage("learner_tests"),
            stage("hidden_tests"),
            stage("lint"),
            stage("django_check"),
            stage("migrations"),
        ],
        "tests": [
            reported("shop/tests/test_x.py::test_1", "learner_tests"),
            reported("shop/tests/test_x.py::test_2", "learner_tests"),
            reported(HIDDEN[0]["id"], "hidden_tests"),
            reported(HIDDEN[1]["id"], "hidden_tests"),
        ],
        "lint": [],
        "collection_errors": [],
        "truncated": {"tests": False, "lint": False},
    }
    base.update(overrides)
    return base


def run(raw, **flags):
    defaults = {"timed_out": False, "oom_killed": False, "output_exceeded": False, "stages_started": []}
    return grade(spec=SPEC, raw_results=raw, **{**defaults, **flags})


def points(result):
    return {check["key"]: check["points"] for check in result.results["checks"]}


def test_everything_passing_scores_full_marks():
    result = run(results())
    assert (result.status, result.verdict, result.score, result.counts_as_attempt) == (
        "graded",
        "passed",
        Decimal("100.00"),
        True,
    )
    assert points(result) == {
        "learner_tests": 10.0,
        HIDDEN[0]["id"]: 40.0,
        HIDDEN[1]["id"]: 20.0,
        "lint": 10.0,
        "django_check": 10.0,
        "migrations": 10.0,
    }
    assert result.flagged is False


def test_partial_credit_from_own_tests_hidden_tests_and_lint():
    raw = results(
        stages=[
            stage("learner_tests", "failed", 1),
            stage("hidden_tests", "failed", 1),
            stage("lint", "failed", 1),
            stage("django_check"),
            stage("migrations", "failed", 1),
        ],
        tests=[
            reported("t.py::ok", "learner_tests"),
            reported("t.py::bad", "learner_tests", "failed", "assert 1 == 2"),
            reported("t.py::bad2", "learner_tests", "failed"),
            reported(HIDDEN[0]["id"], "hidden_tests"),
            reported(HIDDEN[1]["id"], "hidden_tests", "failed", "secret hidden assertion"),
        ],
        lint=[{"path": "shop/views.py", "line": 3, "column": 1, "code": "F401", "message": "unused"}] * 3,
    )
    result = run(raw)
    assert points(result) == {
        "learner_tests": 3.33,
        HIDDEN[0]["id"]: 40.0,
        HIDDEN[1]["id"]: 0.0,
        "lint": 7.0,
        "django_check": 10.0,
        "migrations": 0.0,
    }
    assert (result.verdict, result.score) == ("failed", Decimal("60.33"))
    failed_hidden = next(c for c in result.results["checks"] if c["key"] == HIDDEN[1]["id"])
    assert failed_hidden == {
        "key": HIDDEN[1]["id"],
        "stage": "hidden_tests",
        "title": "B works",
        "passed": False,
        "points": 0.0,
        "max_points": 20.0,
        "hint": "Do B.",
        "lesson": "orm",
        "anchor": "b",
        "visibility": "hidden",
        "message": "secret hidden assertion",
    }


def test_lint_never_goes_below_zero():
    finding = {"path": "a.py", "line": 1, "column": 1, "code": "E501", "message": "long"}
    assert points(run(results(lint=[finding] * 50)))["lint"] == 0.0


def test_a_hidden_test_that_never_reported_has_failed_and_is_flagged_when_the_run_exited_zero():
    raw = results(tests=[reported("t.py::ok", "learner_tests"), reported(HIDDEN[0]["id"], "hidden_tests")])
    result = run(raw)
    check = next(c for c in result.results["checks"] if c["key"] == HIDDEN[1]["id"])
    assert (check["passed"], check["message"]) == (False, "This test did not report a result.")
    assert result.score == Decimal("80.00")
    assert result.flagged is True
    assert "1 of 2 tests never reported" in result.flag_reason


def test_tests_reported_under_unexpected_ids_earn_nothing():
    raw = results(
        tests=[reported("t.py::ok", "learner_tests"), reported("tests_hidden/forged.py::test_x", "hidden_tests")]
    )
    result = run(raw)
    assert points(result)[HIDDEN[0]["id"]] == 0.0
    assert points(result)[HIDDEN[1]["id"]] == 0.0


def test_a_stage_claiming_success_with_a_nonzero_exit_code_has_not_succeeded():
    raw = results(
        stages=[
            stage("learner_tests"),
            stage("hidden_tests"),
            stage("lint"),
            stage("django_check", "passed", 1),
            stage("migrations"),
        ]
    )
    assert points(run(raw))["django_check"] == 0.0


def test_no_tests_collected_earns_no_learner_points():
    raw = results(tests=[reported(HIDDEN[0]["id"], "hidden_tests"), reported(HIDDEN[1]["id"], "hidden_tests")])
    result = run(raw)
    check = result.results["checks"][0]
    assert (check["points"], check["message"]) == (0.0, "No tests of yours were collected.")


def test_import_error_is_a_syntax_error_verdict_that_costs_no_attempt():
    raw = results(
        stages=[
            stage("learner_tests", "error", 2),
            stage("hidden_tests", "error", 2),
            stage("lint", "failed", 1),
            stage("django_check", "failed", 1),
            stage("migrations", "failed", 1),
        ],
        tests=[],
        collection_errors=[{"path": "shop/models.py", "line": 4, "message": "SyntaxError: invalid syntax"}],
    )
    result = run(raw)
    assert (result.verdict, result.counts_as_attempt, result.score) == ("syntax_error", False, Decimal("0.00"))


def test_timeout_names_the_stage_and_the_test():
    raw = results(stages=[stage("learner_tests", "timeout", None, current_test="t.py::test_loop")])
    result = run(raw, stages_started=["learner_tests"])
    assert result.verdict == "timeout"
    assert result.results["limit"] == {"stage": "learner_tests", "test": "t.py::test_loop"}


def test_memory_kill_in_a_stage_is_a_memory_limit_verdict():
    raw = results(stages=[stage("learner_tests", "memory", -9), stage("hidden_tests")])
    result = run(raw)
    assert (result.verdict, result.results["limit"]) == ("memory_limit", {"stage": "learner_tests", "test": None})


def test_stage_output_over_the_limit_is_an_output_limit_verdict_when_something_failed():
    flooded = [
        stage("learner_tests", "failed", 1, output_truncated=True),
        stage("hidden_tests"),
        stage("lint"),
        stage("django_check"),
        stage("migrations"),
    ]
    tests = [
        reported("t.py::flood", "learner_tests", "failed"),
        reported(HIDDEN[0]["id"], "hidden_tests"),
        reported(HIDDEN[1]["id"], "hidden_tests"),
    ]
    result = run(results(stages=flooded, tests=tests))
    assert (result.verdict, result.score) == ("output_limit", Decimal("90.00"))


def test_long_output_does_not_spoil_a_full_pass():
    stages = [
        stage("learner_tests", output_truncated=True),
        stage("hidden_tests"),
        stage("lint"),
        stage("django_check"),
        stage("migrations"),
    ]
    assert run(results(stages=stages)).verdict == "passed"


@pytest.mark.parametrize(
    ("flags", "verdict"),
    [
        ({"timed_out": True}, "timeout"),
        ({"oom_killed": True}, "memory_limit"),
        ({"output_exceeded": True}, "output_limit"),
    ],
)
def test_container_killed_without_results(flags, verdict):
    result = run(None, stages_started=["learner_tests", "hidden_tests"], **flags)
    assert (result.status, result.verdict, result.score, result.counts_as_attempt) == (
        "graded",
        verdict,
        Decimal("0.00"),
        True,
    )
    assert result.results["limit"] == {"stage": "hidden_tests", "test": None}


def test_no_results_and_no_limit_is_an_infrastructure_error_that_costs_nothing():
    result = run(None)
    assert (result.status, result.verdict, result.score, result.counts_as_attempt) == (
        "error",
        "infra_error",
        None,
        False,
    )
    # Killed from outside (an operator, Docker, the host's memory killer): never the learner's flag.
    assert (result.flagged, result.flag_reason) == (False, "")


def test_runner_internal_error_is_an_infrastructure_error():
    result = run(results(internal_error="Traceback ..."))
    assert (result.status, result.verdict, result.counts_as_attempt) == ("error", "infra_error", False)


def test_clean_results_caps_and_drops_hostile_fields():
    raw = {
        "stages": [{"name": "x" * 100, "status": "hacked", "duration_ms": "slow", "exit_code": True, "evil": 1}],
        "tests": [{"id": "t", "stage": "learner_tests", "outcome": "passed", "message": "m" * 10000}] * 600,
        "lint": "not a list",
        "collection_errors": [42, {"path": "p", "line": "7", "message": None}],
        "truncated": {"tests": False},
    }
    cleaned = clean_results(raw)
    assert cleaned["stages"] == [
        {
            "name": "x" * 31 + "…",
            "status": "error",
            "duration_ms": 0,
            "exit_code": None,
            "output": "",
            "output_truncated": False,
            "current_test": None,
        }
    ]
    assert len(cleaned["tests"]) == 500
    assert len(cleaned["tests"][0]["message"]) == 4096
    assert cleaned["truncated"] == {"tests": True, "lint": False}
    assert cleaned["lint"] == []
    assert cleaned["collection_errors"] == [{"path": "p", "line": None, "message": "", "stage": ""}]


def test_late_penalty_scales_the_score_and_keeps_the_verdict():
    from grader.scoring import late_penalty_apply

    result = late_penalty_apply(run(results()), penalty_percent=25)
    assert (result.verdict, result.score, result.results["late"]) == (
        "passed",
        Decimal("75.00"),
        {"penalty_percent": 25},
    )


# -- the mutation stage ----------------------------------------------------------------------

MUTANTS = [
    {"name": "off-by-one", "description": "the limit allows one loan too many", "anchor": "failure-paths", "hint": ""},
    {"name": "no-permission", "description": "anyone may return any loan", "anchor": "integration-tests",
     "hint": "Log in as another member."},
    {"name": "no-constraint", "description": "the unique constraint is gone", "anchor": "testing-constraints",
     "hint": ""},
]  # fmt: skip
MUTATION_SPEC = ExerciseSpec(
    lesson_slug="testing",
    max_score=100,
    hidden_tests=[],
    rubric={"learner_tests": 10, "hidden_tests": 0, "lint": 10, "django_check": 10, "migrations": 10, "mutation": 60},
    mutants=MUTANTS,
)


def mutation_results(caught=("off-by-one", "no-permission"), reference_status="passed", **overrides):
    raw = results(
        stages=[stage("learner_tests"), stage("lint"), stage("django_check"), stage("migrations"), stage("mutation")],
        tests=[reported("shop/tests/test_x.py::test_1", "learner_tests")],
        mutants=[
            {
                "name": m["name"],
                "caught": m["name"] in caught,
                "failing_tests": ["shop/tests/test_x.py::test_1"] if m["name"] in caught else [],
                "detail": "1 of 1 tests failed" if m["name"] in caught else "all your tests passed",
            }
            for m in MUTANTS
        ],
        mutation_reference={"status": reference_status, "tests": 1, "failing_tests": [], "detail": ""},
    )
    raw.update(overrides)
    return raw


def run_mutation(raw, **flags):
    defaults = {"timed_out": False, "oom_killed": False, "output_exceeded": False, "stages_started": []}
    return grade(spec=MUTATION_SPEC, raw_results=raw, **{**defaults, **flags})


def test_mutation_points_are_shared_by_the_mutants_caught():
    result = run_mutation(mutation_results())
    assert points(result) == {
        "learner_tests": 10.0,
        "lint": 10.0,
        "django_check": 10.0,
        "migrations": 10.0,
        "mutant:off-by-one": 20.0,
        "mutant:no-permission": 20.0,
        "mutant:no-constraint": 0.0,
    }
    assert (result.verdict, result.score) == ("failed", Decimal("80.00"))
    survived = next(c for c in result.results["checks"] if c["key"] == "mutant:no-constraint")
    assert survived == {
        "key": "mutant:no-constraint",
        "stage": "mutation",
        "title": "Catches: the unique constraint is gone",
        "passed": False,
        "points": 0.0,
        "max_points": 20.0,
        "hint": "None of your tests failed against this bug: write one that would.",
        "lesson": "testing",
        "anchor": "testing-constraints",
        "visibility": "visible",
        "message": "Not caught: all your tests passed.",
    }
    caught = next(c for c in result.results["checks"] if c["key"] == "mutant:no-permission")
    assert (caught["passed"], caught["hint"], caught["message"]) == (
        True,
        "Log in as another member.",
        "Caught by shop/tests/test_x.py::test_1.",
    )


def test_catching_every_mutant_scores_full_marks_with_uneven_shares():
    spec = ExerciseSpec(
        lesson_slug="testing", max_score=100, hidden_tests=[], mutants=MUTANTS,
        rubric={"learner_tests": 0, "hidden_tests": 0, "lint": 0, "django_check": 0, "migrations": 0, "mutation": 100},
    )  # fmt: skip
    raw = mutation_results(caught=[m["name"] for m in MUTANTS])
    result = grade(
        spec=spec, raw_results=raw, timed_out=False, oom_killed=False, output_exceeded=False, stages_started=[]
    )
    assert [c["max_points"] for c in result.results["checks"]] == [33.34, 33.33, 33.33]
    assert (result.verdict, result.score) == ("passed", Decimal("100.00"))


@pytest.mark.parametrize("reference_status", ["failed", "error", "timeout"])
def test_no_mutation_points_when_the_tests_fail_on_the_reference(reference_status):
    raw = mutation_results(caught=[m["name"] for m in MUTANTS], reference_status=reference_status)
    raw["mutation_reference"].update(failing_tests=["t.py::test_wrong"], detail="1 of 1 of your tests failed")
    result = run_mutation(raw)
    mutation = [c for c in result.results["checks"] if c["stage"] == "mutation"]
    assert [c["points"] for c in mutation] == [0.0, 0.0, 0.0]
    assert mutation[0]["message"] == (
        "Your tests must pass on the reference app before a mutant counts: 1 of 1 of your tests failed. "
        "Failing: t.py::test_wrong"
    )


def test_a_missing_mutation_stage_or_mutant_earns_nothing():
    raw = mutation_results(caught=[m["name"] for m in MUTANTS])
    raw["mutants"] = raw["mutants"][:2]
    assert points(run_mutation(raw))["mutant:no-constraint"] == 0.0
    raw = mutation_results(caught=[m["name"] for m in MUTANTS], mutation_reference=None)
    result = run_mutation(raw)
    assert {c["message"] for c in result.results["checks"] if c["stage"] == "mutation"} == {
        "The mutation stage did not run."
    }


def test_clean_results_caps_mutation_fields():
    raw = {
        "mutants": [{"name": "n" * 100, "caught": "yes", "failing_tests": ["a", 3, "b" * 900] + ["c"] * 40}] * 60
        + ["junk"],
        "mutation_reference": {"status": "hacked", "tests": "many", "failing_tests": "x", "extra": 1},
    }
    cleaned = clean_results(raw)
    assert len(cleaned["mutants"]) == 50
    assert cleaned["mutants"][0]["name"] == "n" * 63 + "…"
    assert cleaned["mutants"][0]["caught"] is False
    assert len(cleaned["mutants"][0]["failing_tests"]) == 19  # 20 kept, the int dropped
    assert len(cleaned["mutants"][0]["failing_tests"][1]) == 500
    assert cleaned["mutation_reference"] == {"status": "error", "tests": 0, "failing_tests": [], "detail": ""}
    assert clean_results({})["mutants"] == []
    assert clean_results({})["mutation_reference"] is None


# -- SQL Server readiness (mssql_lint) ---------------------------------------------------------

MSSQL_SPEC = ExerciseSpec(
    lesson_slug="models-integrity",
    max_score=100,
    hidden_tests=HIDDEN,
    rubric={
        "learner_tests": 10,
        "hidden_tests": 60,
        "lint": 5,
        "django_check": 10,
        "migrations": 10,
        "mssql_lint": 5,
    },  # fmt: skip
)


def mssql_finding(severity, rule="max-key", path="shop/migrations/0002_x.py", line=None, **extra):
    return {
        "rule": rule, "severity": severity, "path": path, "line": line, "message": f"{rule} says so",
        "lesson": "models-integrity", "anchor": "nvarchar-max", **extra,
    }  # fmt: skip


def mssql_results(findings, **stage_extra):
    base = results()
    base["stages"].append(stage("mssql_lint", **stage_extra))
    base["mssql"] = findings
    base["truncated"]["mssql"] = False
    return base


def mssql_check(raw):
    result = grade(
        spec=MSSQL_SPEC, raw_results=raw, timed_out=False, oom_killed=False, output_exceeded=False, stages_started=[]
    )
    (check,) = [c for c in result.results["checks"] if c["key"] == "mssql_lint"]
    return result, check


def test_mssql_lint_full_points_with_warnings_and_unverifiable_shown():
    findings = [mssql_finding("warning", "datetimeoffset"), mssql_finding("unverifiable", "unverifiable")]
    result, check = mssql_check(mssql_results(findings))
    assert (result.score, result.verdict) == (Decimal("100.00"), "passed")
    assert (check["points"], check["max_points"], check["passed"]) == (5.0, 5.0, True)
    assert check["title"] == "SQL Server readiness (T-SQL rendered offline)"
    assert (check["lesson"], check["anchor"]) == ("models-integrity", "sql-server-pitfalls")
    assert check["message"] == (
        "0 errors, 1 warning, 1 unverifiable (see SQL Server readiness below). "
        "Unverifiable operations were not checked: they need a live SQL Server."
    )
    assert [f["severity"] for f in result.results["mssql"]] == ["warning", "unverifiable"]


def test_mssql_lint_without_findings():
    result, check = mssql_check(mssql_results([]))
    assert (check["points"], check["message"]) == (5.0, "No SQL Server hazards found.")
    assert result.score == Decimal("100.00")


@pytest.mark.parametrize(("errors", "earned", "score"), [(1, 2.5, "97.50"), (2, 0.0, "95.00"), (3, 0.0, "95.00")])
def test_mssql_lint_each_error_costs_half_the_points(errors, earned, score):
    findings = [mssql_finding("error") for _ in range(errors)] + [mssql_finding("warning", "param-limit")]
    result, check = mssql_check(mssql_results(findings, status="failed"))
    assert (check["points"], check["passed"]) == (earned, False)
    assert (result.score, result.verdict) == (Decimal(score), "failed")
    assert check["message"] == (
        f"{errors} error{'s' if errors > 1 else ''}, 1 warning, 0 unverifiable (see SQL Server readiness below). "
        "Each error costs half of these points; warnings cost nothing."
    )


@pytest.mark.parametrize(
    "stage_extra",
    [
        {"status": "error", "exit_code": 1, "output": "ImproperlyConfigured: no mssql"},
        {"status": "passed", "exit_code": 1},
        {"status": "timeout", "exit_code": None},
    ],
)
def test_mssql_lint_earns_nothing_when_it_could_not_render(stage_extra):
    result, check = mssql_check(mssql_results([], **stage_extra))
    assert (check["points"], check["passed"]) == (0.0, False)
    assert check["message"].startswith("The project's migrations could not be rendered for SQL Server.")
    if stage_extra["status"] == "error":
        assert check["message"].endswith("ImproperlyConfigured: no mssql")


def test_mssql_lint_missing_stage_earns_nothing_and_other_exercises_ignore_it():
    raw = results(mssql=[mssql_finding("error")])
    _, check = mssql_check(raw)
    assert check["points"] == 0.0
    assert check["message"] == "The project's migrations could not be rendered for SQL Server.\nThis stage did not run."
    # An exercise without mssql_lint in its rubric has no such check, whatever the results say.
    assert "mssql_lint" not in points(run(mssql_results([mssql_finding("error")])))


def test_clean_results_caps_mssql_findings():
    hostile = [
        mssql_finding("fatal", rule="x" * 100, path="p" * 400, line=True, message="m" * 5000),
        mssql_finding("warning", lesson="../../admin", anchor="a b"),
        "not a finding",
    ] + [mssql_finding("warning", line=3)] * 150
    cleaned = clean_results({"mssql": hostile, "truncated": {}})
    first, second = cleaned["mssql"][:2]
    assert (first["severity"], len(first["rule"]), len(first["path"]), first["line"], len(first["message"])) == (
        "error", 32, 300, None, 1500,
    )  # fmt: skip
    assert (second["lesson"], second["anchor"]) == ("models-integrity", "sql-server-pitfalls")
    assert len(cleaned["mssql"]) == 99  # 100 kept, one of them not a dict
    assert cleaned["mssql"][2]["line"] == 3
    assert cleaned["truncated"] == {"tests": False, "lint": False, "mssql": True}
    assert clean_results({})["mssql"] == []
    assert "mssql" not in clean_results({})["truncated"]


def test_curriculum_rubric_takes_mssql_lint_only_when_listed(tmp_path):
    from course.curriculum import CurriculumError
    from exercises.curriculum import _rubric

    path = tmp_path / "exercise.toml"
    base = {"learner_tests": 10, "hidden_tests": 70, "lint": 5, "django_check": 5, "migrations": 5}
    assert list(_rubric(path, {"rubric": {**base, "mssql_lint": 5}}, 100)) == [*base, "mssql_lint"]
    assert "mssql_lint" not in _rubric(path, {"rubric": {**base, "lint": 10}}, 100)
    with pytest.raises(CurriculumError, match="the rubric adds up to 105"):
        _rubric(path, {"rubric": {**base, "mssql_lint": 10}}, 100)
    with pytest.raises(CurriculumError, match="rubric.mssql_lint must be a whole number"):
        _rubric(path, {"rubric": {**base, "lint": 10, "mssql_lint": -1}}, 99)


def test_a_revealed_hidden_message_loses_every_line_that_quotes_the_hidden_files():
    from grader.scoring import hidden_lines_of, scrub

    hidden = hidden_lines_of({"t/test_x.py": b"def test_x():\n    assert total([1, 1]) == 2  # exact\n    x = 1\n"})
    message = "AssertionError: assert 3 == 2\nE     assert total([1, 1]) == 2  # exact\nwhere 3 = total([1, 1])\nx = 1"
    assert scrub(message, hidden) == (
        "AssertionError: assert 3 == 2\nwhere 3 = total([1, 1])\n[lines quoting the hidden tests removed]"
    )
    assert scrub("y" * 5000, hidden) == "y" * 999 + "…"


def test_the_runner_the_cli_and_the_host_speak_one_contract_version():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    runner = re.search(r"^SCHEMA = (\d+)$", (root / "sandbox/runner/runner.py").read_text(), re.M)
    cli = re.search(r'"schema": (\d+),', (root / "cli/src/academy_cli/sandbox.py").read_text())
    assert (int(runner.group(1)), int(cli.group(1))) == (RESULTS_SCHEMA, RESULTS_SCHEMA)
