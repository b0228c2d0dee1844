"""What a submission page shows, built from the stored results.

Learners see every check with its points, hint and lesson link, the messages of their own
failing tests, lint findings at file:line, SQL Server readiness findings with their lesson
links and limit details. Hidden tests show only their
title and hint: their messages can quote the hidden code, so only instructors see them.
"""

import dataclasses

from django.urls import reverse

from exercises.models import Submission

STAGE_NAMES = {
    "learner_tests": "Your tests",
    "hidden_tests": "Hidden tests",
    "lint": "Lint",
    "django_check": "Django check",
    "migrations": "Migrations",
    "mssql_lint": "SQL Server readiness",
    "mutation": "Mutation testing",
}
LINT_LESSON = ("idiomatic-django", "summary")
MSSQL_LESSON = ("models-integrity", "sql-server-pitfalls")
MSSQL_SEVERITY_LABELS = {
    "error": "error",
    "warning": "warning",
    "unverifiable": "unverifiable (not checked: needs a live SQL Server)",
}


@dataclasses.dataclass(frozen=True)
class FeedbackCheck:
    title: str
    passed: bool
    points: float
    max_points: float
    hint: str
    lesson_url: str
    message: str | None
    hidden: bool


@dataclasses.dataclass(frozen=True)
class Feedback:
    checks: list[FeedbackCheck]
    failing_tests: list[dict]
    lint: list[dict]
    lint_url: str
    collection_errors: list[dict]
    limit: dict | None
    stages: list[dict]
    truncated: dict
    # SQL Server readiness findings, each with its lesson link (empty unless the stage ran).
    mssql: list[dict] = dataclasses.field(default_factory=list)
    mssql_url: str = ""


def lesson_url(slug: str, anchor: str) -> str:
    return f"{reverse('course:lesson', args=[slug])}#{anchor}"


def feedback_for(*, submission: Submission, show_hidden_details: bool) -> Feedback | None:
    results = submission.results or {}
    if "checks" not in results or submission.verdict == Submission.HELD_FOR_REVIEW:
        return None
    checks = [
        FeedbackCheck(
            title=check["title"],
            passed=check["passed"],
            points=check["points"],
            max_points=check["max_points"],
            hint=check["hint"],
            lesson_url=lesson_url(check["lesson"], check["anchor"]),
            message=check["message"] if (check["visibility"] == "visible" or show_hidden_details) else None,
            hidden=check["visibility"] == "hidden",
        )
        for check in results["checks"]
    ]
    failing = [t for t in results.get("tests", []) if t["stage"] == "learner_tests" and t["outcome"] != "passed"]
    stages = [
        {
            "name": STAGE_NAMES.get(s["name"], s["name"]),
            "status": s["status"],
            "seconds": s["duration_ms"] / 1000,
            "output": s["output"] if show_hidden_details or s["name"] != "hidden_tests" else "",
        }
        for s in results.get("stages", [])
    ]
    return Feedback(
        checks=checks,
        failing_tests=failing,
        lint=results.get("lint", []),
        lint_url=lesson_url(*LINT_LESSON),
        # The hidden run's import errors arrive reduced by the grader to a type and a learner file.
        collection_errors=results.get("collection_errors", []),
        limit=results.get("limit"),
        stages=stages,
        truncated=results.get("truncated", {}),
        mssql=[
            {
                **finding,
                "severity_label": MSSQL_SEVERITY_LABELS.get(finding["severity"], finding["severity"]),
                "lesson_url": lesson_url(finding["lesson"], finding["anchor"]),
            }
            for finding in results.get("mssql", [])
        ],
        mssql_url=lesson_url(*MSSQL_LESSON),
    )
