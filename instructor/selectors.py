"""Read models for instructors. Every page is a fixed number of queries, whatever the class size."""

import dataclasses
import statistics
from collections import Counter, defaultdict
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, FloatField, Max, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce, TruncDate

from accounts.models import INSTRUCTORS_GROUP, User
from exercises.archive import archive_read
from exercises.models import Exercise, ExerciseProgress, Submission
from exercises.selectors import published, published_exercises
from instructor.models import SubmissionComment

STRUGGLING_ATTEMPTS = 3
PAGE_SIZE = 100  # learners per matrix page
STATUSES = ("all", "struggling", "not_started", "in_progress", "completed")


def learners() -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, is_superuser=False)
        .exclude(groups__name=INSTRUCTORS_GROUP)
        .order_by("username")
    )


def cohorts() -> QuerySet[Group]:
    return Group.objects.exclude(name=INSTRUCTORS_GROUP).order_by("name")


@dataclasses.dataclass(frozen=True, slots=True)
class Cell:
    exercise: Exercise
    best: Decimal | None
    attempts: int
    passed: bool
    late: bool
    percent: int | None
    stuck: bool
    held: bool = False  # a submission awaits review (its score is not in `best`)

    @classmethod
    def build(cls, exercise: Exercise, progress: ExerciseProgress | None) -> "Cell":
        if progress is None:
            return cls(exercise=exercise, best=None, attempts=0, passed=False, late=False, percent=None, stuck=False)
        best = progress.best_score
        percent = None if best is None else round(100 * best / exercise.max_score)
        return cls(exercise=exercise, best=best, attempts=progress.attempts, passed=progress.passed,
                   late=progress.is_late(exercise), percent=percent,
                   stuck=progress.attempts >= STRUGGLING_ATTEMPTS and not progress.passed,
                   held=progress.held)  # fmt: skip


@dataclasses.dataclass(frozen=True, slots=True)
class Row:
    learner: User
    cells: list[Cell]
    progress: int  # mean best score over all exercises, in percent (not attempted counts as 0)
    stuck_attempts: int
    status: str


@dataclasses.dataclass(frozen=True)
class Matrix:
    exercises: list[Exercise]
    rows: list[Row]
    cohorts: list[Group]
    page: Page


def _standing() -> dict:
    """Per-learner sort keys and status counts, aggregated by the database over the progress rows."""
    p = "exercise_progress__"
    live = published(f"{p}exercise__")  # joins: SQL Server allows no subquery inside an aggregate
    stuck = live & Q(**{f"{p}attempts__gte": STRUGGLING_ATTEMPTS, f"{p}passed": False})
    percent = Cast(f"{p}best_score", FloatField()) * Value(100.0) / F(f"{p}exercise__max_score")
    return {
        "percent_sum": Coalesce(Sum(percent, filter=live, output_field=FloatField()), Value(0.0)),
        "stuck_cells": Count(f"{p}pk", filter=stuck),
        "stuck_attempts": Coalesce(Sum(f"{p}attempts", filter=stuck), Value(0)),
        "passed_cells": Count(f"{p}pk", filter=live & Q(**{f"{p}passed": True})),
        "started_cells": Count(f"{p}pk", filter=live & Q(**{f"{p}best_score__isnull": False})),
    }


def _status_filter(status: str, exercise_count: int) -> Q:
    done = Q(stuck_cells=0, passed_cells__gte=exercise_count)
    return {
        "struggling": Q(stuck_cells__gt=0),
        "completed": done,
        "not_started": Q(stuck_cells=0, started_cells=0) & ~done,
        "in_progress": Q(stuck_cells=0, started_cells__gt=0) & ~done,
    }.get(status, Q())


def _status(learner: User, exercise_count: int) -> str:
    if learner.stuck_cells:
        return "struggling"
    if learner.passed_cells >= exercise_count:
        return "completed"
    return "in_progress" if learner.started_cells else "not_started"


def ranked_learners(*, cohort_id: int | None, status: str, exercise_count: int) -> QuerySet[User]:
    """Learners struggling first, with their standing annotated and their progress rows prefetched."""
    people = learners() if cohort_id is None else learners().filter(groups__id=cohort_id)
    return (
        people.only("id", "username", "email")
        .annotate(**_standing())
        .filter(_status_filter(status, exercise_count))
        .order_by("percent_sum", "-stuck_attempts", "username")
        .prefetch_related(
            Prefetch(
                "exercise_progress",
                queryset=ExerciseProgress.objects.filter(exercise__in=published_exercises().values("pk")),
                to_attr="progress_rows",
            )
        )
    )


def progress_matrix(*, cohort_id: int | None = None, status: str = "all", page: int | str = 1) -> Matrix:
    """Learners × exercises, struggling learners first: the lowest progress, then the most stuck attempts.

    The database sorts and filters every learner from the ExerciseProgress summaries; only one page
    of learners (PAGE_SIZE) is loaded and rendered, so the page costs about the same for any class.
    """
    exercises = list(
        published_exercises()
        .select_related("lesson")
        .only("slug", "title", "max_score", "due_at", "lesson__order", "lesson__slug")
        .order_by("lesson__order")
    )
    count = len(exercises)
    chosen = Paginator(ranked_learners(cohort_id=cohort_id, status=status, exercise_count=count), PAGE_SIZE).get_page(
        page
    )
    rows = []
    for learner in chosen.object_list:
        by_exercise = {progress.exercise_id: progress for progress in learner.progress_rows}
        rows.append(Row(
            learner=learner,
            cells=[Cell.build(exercise, by_exercise.get(exercise.pk)) for exercise in exercises],
            progress=round(learner.percent_sum / count) if count else 0,
            stuck_attempts=learner.stuck_attempts,
            status=_status(learner, count),
        ))  # fmt: skip
    return Matrix(exercises=exercises, rows=rows, cohorts=list(cohorts()), page=chosen)


@dataclasses.dataclass(frozen=True)
class FailedCheck:
    key: str
    title: str
    failures: int
    lesson: str
    anchor: str


@dataclasses.dataclass(frozen=True)
class ExerciseStats:
    exercise: Exercise
    attempts: int
    learners: int
    passed_learners: int
    median_attempts_to_pass: float | None
    histogram: list[int]  # learners per best-score decile: 0-9 %, 10-19 %, …, 90-100 %
    per_day: list[tuple]  # (date, attempts)
    failed_checks: list[FailedCheck]

    @property
    def pass_rate(self) -> int:
        return round(100 * self.passed_learners / self.learners) if self.learners else 0


def exercise_stats(*, exercise: Exercise) -> ExerciseStats:
    graded = Submission.objects.filter(exercise=exercise)
    # Attempts in order per learner: to find how many it took each one to pass.
    order = graded.filter(counts_as_attempt=True).order_by("user_id", "created_at").values_list("user_id", "verdict")
    tries: dict[int, int] = defaultdict(int)
    to_pass: dict[int, int] = {}
    for user_id, verdict in order.iterator(chunk_size=2000):
        tries[user_id] += 1
        if verdict == Submission.Verdict.PASSED and user_id not in to_pass:
            to_pass[user_id] = tries[user_id]
    best = graded.filter(status=Submission.Status.GRADED).values("user_id").annotate(best=Max("score")).order_by()
    histogram = [0] * 10
    for row in best:
        histogram[min(9, int(10 * row["best"] / exercise.max_score))] += 1
    per_day = list(
        graded.annotate(day=TruncDate("created_at")).values_list("day").annotate(n=Count("pk")).order_by("day")
    )
    failures: Counter = Counter()
    meta: dict[str, tuple] = {}
    checks = graded.filter(status=Submission.Status.GRADED).values_list("results", flat=True)
    for results in checks.iterator(chunk_size=500):
        for check in (results or {}).get("checks", []):
            if not check.get("passed"):
                failures[check["key"]] += 1
                meta[check["key"]] = (check["title"], check["lesson"], check["anchor"])
    return ExerciseStats(
        exercise=exercise,
        attempts=sum(tries.values()),
        learners=len(tries),
        passed_learners=len(to_pass),
        median_attempts_to_pass=statistics.median(to_pass.values()) if to_pass else None,
        histogram=histogram,
        per_day=per_day,
        failed_checks=[
            FailedCheck(key, meta[key][0], n, meta[key][1], meta[key][2]) for key, n in failures.most_common(10)
        ],
    )


@dataclasses.dataclass(frozen=True)
class ReviewFile:
    path: str
    lines: list[dict]  # {"number", "html", "notes": [..]}


@dataclasses.dataclass(frozen=True)
class Review:
    submission: Submission
    paths: list[str]
    file: ReviewFile | None
    comments: list[SubmissionComment]
    notes_by_path: dict[str, int]


def submission_review(*, submission_id: int, path: str | None) -> Review:
    """A submission as a reviewer reads it: the file tree, one file with notes at its lines. Raises DoesNotExist."""
    from instructor.code_view import highlight_lines, notes_for

    submission = Submission.objects.select_related("user", "exercise", "exercise__lesson").get(pk=submission_id)
    with submission.archive.open("rb") as stored:
        members = {m.path: m.data for m in archive_read(stored.read(), submission.archive.name).members}
    notes = notes_for(submission.results or {}, members)
    paths = sorted(members)
    chosen = path if path in members else next((p for p in paths if p in notes), paths[0] if paths else None)
    file = None
    if chosen is not None:
        file = ReviewFile(path=chosen, lines=highlight_lines(chosen, members[chosen], notes.get(chosen, {})))
    comments = list(submission.comments.select_related("author"))
    return Review(
        submission=submission,
        paths=paths,
        file=file,
        comments=comments,
        notes_by_path={p: sum(len(v) for v in n.values()) for p, n in notes.items()},
    )
