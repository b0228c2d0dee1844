import hashlib
import io
import logging
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from accounts.models import User
from course.models import Lesson
from exercises.archive import MAX_COMPRESSED_BYTES, ArchiveRejected, archive_read
from exercises.curriculum import ExerciseSource, tree_files
from exercises.models import Exercise, ExerciseProgress, Submission

logger = logging.getLogger(__name__)


PROGRESS_BATCH = 250  # rows per INSERT: 7 columns each stays under SQL Server's 2100 parameters


def _progress_aggregates() -> dict:
    """What an ExerciseProgress row holds, as aggregates over that learner's submissions."""
    return {
        # A held submission counts as an attempt, but its score counts only once released.
        "best_score": Max("score", filter=Q(status=Submission.Status.GRADED, held=False)),
        "attempts": Count("pk", filter=Q(counts_as_attempt=True)),
        "passes": Count("pk", filter=Q(verdict=Submission.Verdict.PASSED, held=False)),
        "holds": Count("pk", filter=Q(held=True)),
        "last_submitted_at": Max("created_at"),
    }


def progress_refresh(*, user_id: int, exercise_id: int) -> ExerciseProgress:
    """Recompute one learner's progress on one exercise from their submissions.

    Call it in the transaction that changed a submission. The progress row is locked before the
    submissions are read, so two graders finishing at once for one learner cannot overwrite each
    other with a stale summary.
    """
    with transaction.atomic():
        progress, _ = ExerciseProgress.objects.select_for_update().get_or_create(
            user_id=user_id, exercise_id=exercise_id
        )
        summary = Submission.objects.filter(user_id=user_id, exercise_id=exercise_id).aggregate(
            **_progress_aggregates()
        )
        progress.best_score, progress.attempts = summary["best_score"], summary["attempts"]
        progress.passed, progress.last_submitted_at = summary["passes"] > 0, summary["last_submitted_at"]
        progress.held = summary["holds"] > 0
        progress.save()
    return progress


@transaction.atomic
def progress_rebuild() -> int:
    """Recompute every progress row from the submissions (after a bulk load, or to repair). Returns the count."""
    ExerciseProgress.objects.all().delete()
    rows = (
        Submission.objects.values("user_id", "exercise_id").annotate(**_progress_aggregates()).order_by()
        .values_list("user_id", "exercise_id", "best_score", "attempts", "passes", "holds", "last_submitted_at")
    )  # fmt: skip
    batch, written = [], 0
    for user_id, exercise_id, best, attempts, passes, holds, last in rows.iterator(chunk_size=2000):
        batch.append(ExerciseProgress(user_id=user_id, exercise_id=exercise_id, best_score=best, attempts=attempts,
                                      passed=passes > 0, held=holds > 0, last_submitted_at=last))  # fmt: skip
        if len(batch) == PROGRESS_BATCH:
            written += len(ExerciseProgress.objects.bulk_create(batch, batch_size=PROGRESS_BATCH))
            batch = []
    written += len(ExerciseProgress.objects.bulk_create(batch, batch_size=PROGRESS_BATCH))
    return written


class SubmissionNotAllowed(Exception):
    """The exercise's policy refuses this upload now; the message is written for the learner."""


def _policy_check(*, user: User, exercise: Exercise) -> None:
    """Attempt limit and cool-down. Call while holding the user's row lock."""
    mine = Submission.objects.filter(user=user, exercise=exercise)
    if exercise.max_attempts is not None:
        used = mine.filter(counts_as_attempt=True).count()
        if used >= exercise.max_attempts:
            raise SubmissionNotAllowed(f"You have used all {exercise.max_attempts} attempts for this exercise.")
    if exercise.cooldown_seconds:
        last = mine.order_by("-created_at").values_list("created_at", flat=True).first()
        if last is not None:
            wait = exercise.cooldown_seconds - (timezone.now() - last).total_seconds()
            if wait > 0:
                raise SubmissionNotAllowed(f"Please wait {int(wait) + 1} s before submitting again (cool-down).")


def exercise_dir(exercise: Exercise) -> Path:
    return settings.BASE_DIR / exercise.source_dir  # an absolute source_dir stays absolute


def exercises_sync(*, lessons: dict[str, Lesson], sources: dict[str, ExerciseSource | None], report) -> None:
    """Create, update or unpublish exercises to match `sources`. Called inside curriculum_sync's transaction."""
    by_slug = {exercise.slug: exercise for exercise in Exercise.objects.select_for_update()}
    wanted = set()
    for lesson_slug, source in sources.items():
        if source is None:
            continue
        wanted.add(source.slug)
        lesson = lessons[lesson_slug]
        exercise = by_slug.get(source.slug)
        if (
            exercise is not None
            and exercise.content_hash == source.content_hash
            and exercise.is_published
            and exercise.lesson_id == lesson.pk
        ):
            continue
        if exercise is None:
            exercise = Exercise(slug=source.slug)
            report.exercises_created.append(source.slug)
        else:
            report.exercises_updated.append(source.slug)
        exercise.lesson = lesson
        exercise.title, exercise.summary = source.title, source.summary
        exercise.max_score, exercise.django_settings = source.max_score, source.django_settings
        for name, value in source.limits.items():
            setattr(exercise, name, value)
        if not exercise.policy_overridden:
            for name, value in source.policy.items():
                setattr(exercise, name, value)
        exercise.rubric = source.rubric
        exercise.hidden_tests = [vars(test) for test in source.hidden]
        exercise.source_dir = str(
            source.path.relative_to(settings.BASE_DIR) if source.path.is_relative_to(settings.BASE_DIR) else source.path
        )
        exercise.content_hash = source.content_hash
        exercise.is_published = True
        exercise.full_clean(validate_constraints=False)
        exercise.save()
    for slug, exercise in by_slug.items():
        if slug not in wanted and exercise.is_published:
            exercise.is_published = False
            exercise.save(update_fields=["is_published", "updated_at"])
            report.exercises_unpublished.append(slug)


def tree_zip(root: Path, *, prefix: str = "") -> bytes:
    """The files under `root` (as `tree_files` picks them) as a zip, each name starting with `prefix`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in tree_files(root):
            archive.write(path, f"{prefix}{path.relative_to(root)}")
    return buffer.getvalue()


def starter_zip(*, exercise: Exercise) -> bytes:
    """The starter project as a zip with one top-level folder named after the exercise."""
    return tree_zip(exercise_dir(exercise) / "starter", prefix=f"{exercise.slug}/")


def _upload_bytes(upload: UploadedFile) -> bytes:
    if upload.size is not None and upload.size > MAX_COMPRESSED_BYTES:
        raise ArchiveRejected(f"The archive is larger than {MAX_COMPRESSED_BYTES // (1024 * 1024)} MiB.")
    data = upload.read(MAX_COMPRESSED_BYTES + 1)
    if len(data) > MAX_COMPRESSED_BYTES:
        raise ArchiveRejected(f"The archive is larger than {MAX_COMPRESSED_BYTES // (1024 * 1024)} MiB.")
    return data


def _enqueue_grading(task, submission_id: int) -> None:
    try:
        task.apply_async((submission_id,), queue="grading")
    except Exception:
        # The row is committed and stays queued: the periodic sweep enqueues it again. The
        # learner's upload is not lost and their request does not fail.
        logger.exception("could not enqueue submission %s; the stuck-submission sweep will retry", submission_id)


def submission_create(*, user: User, exercise: Exercise, upload: UploadedFile) -> Submission:
    """Validate an uploaded archive, store it, and queue it for grading once committed.

    Raises ArchiveRejected or SubmissionNotAllowed (nothing stored) when the upload is refused.
    """
    from grader.tasks import grade_submission  # the task module imports this app's models

    data = _upload_bytes(upload)
    archive_read(data, upload.name or "")  # validates everything before anything is kept
    digest = hashlib.sha256(data).hexdigest()
    suffix = ".zip" if (upload.name or "").lower().endswith(".zip") else ".tar.gz"
    stored_name = None
    try:
        with transaction.atomic():
            # Serialize one learner's concurrent uploads so that numbers never collide.
            User.objects.select_for_update().only("pk").get(pk=user.pk)
            _policy_check(user=user, exercise=exercise)
            last = Submission.objects.filter(user=user, exercise=exercise).aggregate(n=Max("number"))["n"] or 0
            submission = Submission(
                user=user,
                exercise=exercise,
                number=last + 1,
                archive_sha256=digest,
                archive_size=len(data),
                max_score=exercise.max_score,
            )
            submission.archive.save(
                f"{user.pk}-{exercise.slug}-{last + 1}-{digest[:12]}{suffix}", ContentFile(data), save=False
            )
            stored_name = submission.archive.name
            submission.full_clean(exclude=["archive"])
            submission.save()
            progress_refresh(user_id=user.pk, exercise_id=exercise.pk)
            transaction.on_commit(lambda: _enqueue_grading(grade_submission, submission.pk))
    except BaseException:
        if stored_name:
            submission.archive.storage.delete(stored_name)  # no orphan file when the row is not kept
        raise
    logger.info(
        "submission %s stored: user=%s exercise=%s number=%s sha256=%s",
        submission.pk,
        user.pk,
        exercise.slug,
        submission.number,
        digest,
    )
    return submission
