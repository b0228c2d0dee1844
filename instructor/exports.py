"""Streamed CSV exports: rows are written as they are read, so memory stays flat for any class size."""

import csv
from collections.abc import Iterator

from django.db.models import Prefetch

from exercises.models import Exercise, ExerciseProgress, Submission
from instructor.selectors import learners

CHUNK = 500  # learners per query, and per IN list of their progress rows: bounded on every database


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer → StreamingHttpResponse."""

    def write(self, value: str) -> str:
        return value


def gradebook_rows(*, exercises: list[Exercise]) -> Iterator[str]:
    """One row per learner from the ExerciseProgress summaries, read CHUNK learners at a time."""
    writer = csv.writer(_Echo())
    yield writer.writerow(["username", "email", *[e.slug for e in exercises], "total", "max_total", "late"])
    max_total = sum(e.max_score for e in exercises)
    people = learners().only("pk", "username", "email").prefetch_related(
        Prefetch("exercise_progress", queryset=ExerciseProgress.objects.all(), to_attr="progress_rows")
    )
    for person in people.iterator(chunk_size=CHUNK):
        by_exercise = {progress.exercise_id: progress for progress in person.progress_rows}
        bests = [getattr(by_exercise.get(e.pk), "best_score", None) for e in exercises]
        late = sorted(e.slug for e in exercises if e.pk in by_exercise and by_exercise[e.pk].is_late(e))
        total = sum(b for b in bests if b is not None)
        yield writer.writerow(
            [
                person.username,
                person.email,
                *["" if b is None else f"{b:.2f}" for b in bests],
                f"{total:.2f}",
                max_total,
                " ".join(late),
            ]
        )


def submission_rows(*, exercise: Exercise) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(
        [
            "submission",
            "username",
            "number",
            "created_at",
            "status",
            "verdict",
            "score",
            "max_score",
            "counts_as_attempt",
            "late",
            "flagged",
            "sha256",
        ]
    )
    rows = (
        Submission.objects.filter(exercise=exercise).order_by("pk")
        .values_list("pk", "user__username", "number", "created_at", "status", "verdict", "score", "max_score",
                     "counts_as_attempt", "flagged", "archive_sha256")
    )  # fmt: skip
    for pk, username, number, created, status, verdict, score, max_score, counts, flagged, sha in rows.iterator(
        chunk_size=2000
    ):
        late = bool(exercise.due_at and created > exercise.due_at)
        yield writer.writerow(
            [
                pk,
                username,
                number,
                created.isoformat(),
                status,
                verdict,
                "" if score is None else score,
                max_score,
                counts,
                late,
                flagged,
                sha,
            ]
        )
