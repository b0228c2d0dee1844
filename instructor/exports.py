"""Streamed CSV exports: rows are written as they are read, so memory stays flat for any class size."""

import csv
from collections.abc import Iterator

from exercises.models import Exercise, Submission
from instructor.selectors import grade_stats, learners

CHUNK = 500  # learners per aggregate query: a bounded IN list on every database


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer → StreamingHttpResponse."""

    def write(self, value: str) -> str:
        return value


def gradebook_rows(*, exercises: list[Exercise]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(["username", "email", *[e.slug for e in exercises], "total", "max_total", "late"])
    max_total = sum(e.max_score for e in exercises)
    exercise_ids = [e.pk for e in exercises]
    people = learners().values_list("pk", "username", "email")
    chunk: list[tuple] = []
    for person in people.iterator(chunk_size=CHUNK):
        chunk.append(person)
        if len(chunk) == CHUNK:
            yield from _gradebook_chunk(writer, chunk, exercises, exercise_ids, max_total)
            chunk = []
    if chunk:
        yield from _gradebook_chunk(writer, chunk, exercises, exercise_ids, max_total)


def _gradebook_chunk(writer, chunk, exercises, exercise_ids, max_total) -> Iterator[str]:
    stats = grade_stats(learner_ids=[pk for pk, _, _ in chunk], exercise_ids=exercise_ids)
    for pk, username, email in chunk:
        bests = [stats.get((pk, e.pk), {}).get("best") for e in exercises]
        late = sorted(e.slug for e in exercises if stats.get((pk, e.pk), {}).get("late"))
        total = sum(b for b in bests if b is not None)
        yield writer.writerow(
            [
                username,
                email,
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
