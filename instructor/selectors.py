"""Read models for instructors. Every page is a fixed number of queries, whatever the class size."""

import dataclasses
import statistics
from collections import Counter, defaultdict
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db.models import Count, F, Max, Q, QuerySet
from django.db.models.functions import TruncDate

from accounts.models import INSTRUCTORS_GROUP, User
from exercises.archive import archive_read
from exercises.models import Exercise, Submission
from exercises.selectors import published_exercises
from instructor.models import SubmissionComment

STRUGGLING_ATTEMPTS = 3
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

    @classmethod
    def build(cls, exercise: Exercise, stat: dict) -> "Cell":
        best, attempts, passed = stat.get("best"), stat.get("attempts", 0), bool(stat.get("passes"))
        return cls(exercise=exercise, best=best, attempts=attempts, passed=passed, late=bool(stat.get("late")),
                   percent=None if best is None else round(100 * best / exercise.max_score),
                   stuck=attempts >= STRUGGLING_ATTEMPTS and not passed)


@dataclasses.dataclass(frozen=True, slots=True)
class Row:
    learner: User
    cells: list[Cell]
    progress: int  # mean best score over all exercises, in percent (not attempted counts as 0)
    stuck_attempts: int
    status: str

    @classmethod
    def build(cls, learner: User, cells: list[Cell]) -> "Row":
        if any(c.stuck for c in cells):
            status = "struggling"
        elif all(c.passed for c in cells):
            status = "completed"
        else:
            status = "not_started" if all(c.best is None for c in cells) else "in_progress"
        progress = round(sum(c.percent or 0 for c in cells) / len(cells)) if cells else 0
        return cls(learner=learner, cells=cells, progress=progress,
                   stuck_attempts=sum(c.attempts for c in cells if c.stuck), status=status)


@dataclasses.dataclass(frozen=True)
class Matrix:
    exercises: list[Exercise]
    rows: list[Row]
    cohorts: list[Group]


def grade_stats(*, learner_ids, exercise_ids) -> dict[tuple[int, int], dict]:
    """Best score, attempts, passes and late submissions per (learner, exercise), in one query."""
    rows = (
        Submission.objects.filter(user_id__in=learner_ids, exercise_id__in=exercise_ids)
        .values("user_id", "exercise_id")
        .annotate(
            best=Max("score", filter=Q(status=Submission.Status.GRADED)),
            attempts=Count("pk", filter=Q(counts_as_attempt=True)),
            passes=Count("pk", filter=Q(verdict=Submission.Verdict.PASSED)),
            late=Count("pk", filter=Q(exercise__due_at__isnull=False, created_at__gt=F("exercise__due_at"))),
        )
        .order_by()
    )
    return {(r["user_id"], r["exercise_id"]): r for r in rows}


def progress_matrix(*, cohort_id: int | None = None, status: str = "all") -> Matrix:
    """Learners × exercises, struggling learners first: the lowest progress, then the most stuck attempts."""
    exercises = list(
        published_exercises()
        .select_related("lesson")
        .only("slug", "title", "max_score", "due_at", "lesson__order", "lesson__slug")
        .order_by("lesson__order")
    )
    people_qs = learners() if cohort_id is None else learners().filter(groups__id=cohort_id)
    people = list(people_qs.only("id", "username", "email"))
    # Subqueries, not id lists: a big class must not hit SQL Server's 2100-parameter limit.
    stats = grade_stats(learner_ids=people_qs.values("pk"), exercise_ids=published_exercises().values("pk"))
    empty: dict = {}
    rows = [
        Row.build(person, [Cell.build(exercise, stats.get((person.pk, exercise.pk), empty)) for exercise in exercises])
        for person in people
    ]
    if status != "all":
        rows = [row for row in rows if row.status == status]
    rows.sort(key=lambda row: (row.progress, -row.stuck_attempts, row.learner.username))
    return Matrix(exercises=exercises, rows=rows, cohorts=list(cohorts()))


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
