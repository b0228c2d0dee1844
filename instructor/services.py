"""Instructor actions: comments, review flags, regrades (run on the grading queue), publishing."""

import logging

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from accounts.models import User
from exercises.models import Exercise, Submission
from exercises.services import progress_refresh
from grader.scoring import Grade
from grader.services import grade_run, grade_store
from instructor.models import RegradeBatch, RegradeItem, SubmissionComment

logger = logging.getLogger(__name__)


def comment_create(*, submission: Submission, author: User, body: str) -> SubmissionComment:
    comment = SubmissionComment(submission=submission, author=author, body=body.strip())
    comment.full_clean()
    comment.save()
    return comment


def submission_flag_set(*, submission: Submission, flagged: bool, reason: str = "") -> None:
    submission.flagged, submission.flag_reason = flagged, (reason.strip() or "Flagged by an instructor.")[:300]
    if not flagged:
        submission.flag_reason = ""
    submission.save(update_fields=["flagged", "flag_reason"])


@transaction.atomic
def submission_release(*, submission: Submission) -> None:
    """Release a submission held for review: the learner sees its score, and it counts."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if not submission.held:
        return
    submission.held = False
    submission.save(update_fields=["held"])
    progress_refresh(user_id=submission.user_id, exercise_id=submission.exercise_id)


def _targets(*, exercise: Exercise, scope: str) -> list[int]:
    graded = Submission.objects.filter(exercise=exercise, status__in=Submission.TERMINAL)
    if scope == RegradeBatch.Scope.LATEST:
        return list(graded.values("user_id").annotate(pk=Max("pk")).values_list("pk", flat=True).order_by())
    best = {}
    ranked = graded.order_by("user_id", F("score").desc(nulls_last=True), "-pk")
    for pk, user_id in ranked.values_list("pk", "user_id"):
        best.setdefault(user_id, pk)  # the first row per learner has the best score (newest on ties)
    return list(best.values())


def regrade_start(
    *, exercise: Exercise, created_by: User, scope: str, submission: Submission | None = None
) -> RegradeBatch:
    """Queue a regrade. A single submission publishes when done; a batch waits for a confirmation."""
    from instructor.tasks import regrade_item

    if scope == RegradeBatch.Scope.SINGLE:
        if submission is None or submission.exercise_id != exercise.pk:
            raise ValueError("A single regrade needs a submission of this exercise.")
        ids = [submission.pk]
    else:
        ids = _targets(exercise=exercise, scope=scope)
    with transaction.atomic():
        batch = RegradeBatch.objects.create(
            exercise=exercise, scope=scope, created_by=created_by, auto_publish=scope == RegradeBatch.Scope.SINGLE
        )
        # Chunks of 500 ids per IN list and 200 rows per INSERT: under SQL Server's 2100 parameters.
        for start in range(0, len(ids), 500):
            rows = Submission.objects.filter(pk__in=ids[start : start + 500]).values_list("pk", "score", "verdict")
            RegradeItem.objects.bulk_create(
                [
                    RegradeItem(batch=batch, submission_id=pk, old_score=score, old_verdict=verdict)
                    for pk, score, verdict in rows
                ],
                batch_size=200,
            )
        item_ids = list(batch.items.values_list("pk", flat=True))
        transaction.on_commit(lambda: [regrade_item.apply_async((pk,), queue="grading") for pk in item_ids])
    logger.info("regrade %s of %s queued: %s submissions (%s)", batch.pk, exercise.slug, len(ids), scope)
    return batch


def regrade_item_run(*, item_id: int) -> None:
    """Re-run one submission in the sandbox and keep the result on the item. Raises SandboxUnavailable."""
    item = RegradeItem.objects.select_related("batch", "submission__exercise__lesson").filter(pk=item_id).first()
    if item is None or item.status != RegradeItem.Status.PENDING or item.batch.discarded_at:
        return
    result = grade_run(submission=item.submission, on_event=lambda event: None)
    with transaction.atomic():
        item = RegradeItem.objects.select_for_update().select_related("batch").get(pk=item_id)
        if item.status != RegradeItem.Status.PENDING:
            return
        item.status = RegradeItem.Status.DONE if result.score is not None else RegradeItem.Status.ERROR
        item.new_score, item.new_verdict, item.new_results = result.score, result.verdict, result.results
        item.new_image_id, item.error_message = result.image_id[:80], result.error_message[:500]
        item.finished_at = timezone.now()
        item.save()
        batch = item.batch
        if batch.auto_publish and not batch.items.filter(status=RegradeItem.Status.PENDING).exists():
            regrade_publish(batch=batch)


def regrade_item_failed(*, item_id: int, reason: str) -> None:
    RegradeItem.objects.filter(pk=item_id, status=RegradeItem.Status.PENDING).update(
        status=RegradeItem.Status.ERROR, error_message=reason[:500], finished_at=timezone.now()
    )


@transaction.atomic
def regrade_publish(*, batch: RegradeBatch) -> int:
    """Apply every finished item's new result to its submission. Attempts are never changed."""
    batch = RegradeBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.published_at or batch.discarded_at:
        return 0
    published = 0
    for item in batch.items.filter(status=RegradeItem.Status.DONE):
        submission = Submission.objects.select_for_update().get(pk=item.submission_id)
        review = item.new_results.get("review") or {}
        result = Grade(
            status=Submission.Status.GRADED, verdict=item.new_verdict, score=item.new_score, counts_as_attempt=True,
            results={**item.new_results, "regraded": {"batch": batch.pk, "old_score": str(item.old_score)}},
            flagged=bool(review.get("flagged")), flag_reason=str(review.get("reason") or ""),
            held=bool(review.get("held")), image_id=item.new_image_id,
        )  # fmt: skip
        grade_store(submission=submission, result=result, attempt=False)
        published += 1
    batch.published_at = timezone.now()
    batch.save(update_fields=["published_at"])
    return published


def regrade_discard(*, batch: RegradeBatch) -> None:
    RegradeBatch.objects.filter(pk=batch.pk, published_at__isnull=True).update(discarded_at=timezone.now())
