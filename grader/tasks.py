"""Celery is one more interface to the grading service: tasks take ids and call services."""

import logging

from celery import shared_task
from celery.signals import worker_ready

from grader.sandbox import SandboxUnavailable
from grader.services import sandbox, submission_grade, submission_infra_failed, submission_sweep, submissions_stuck

logger = logging.getLogger(__name__)

MAX_INFRA_RETRIES = 5
# Above the largest sandbox wall clock (exercise.toml allows 900 s) plus start-up and storing.
SOFT_TIME_LIMIT = 900 + 120
HARD_TIME_LIMIT = SOFT_TIME_LIMIT + 60


@shared_task(
    bind=True,
    acks_late=True,  # a worker that dies mid-grade leaves the message for another one
    reject_on_worker_lost=True,
    max_retries=MAX_INFRA_RETRIES,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=HARD_TIME_LIMIT,
    ignore_result=True,
)
def grade_submission(self, submission_id: int) -> None:
    try:
        submission_grade(submission_id=submission_id)
    except SandboxUnavailable as exc:
        # Only infrastructure faults are retried; a learner's failing code is a result, not an error.
        final = self.request.retries >= self.max_retries
        submission_infra_failed(submission_id=submission_id, reason=str(exc), final=final)
        if not final:
            raise self.retry(exc=exc, countdown=min(300, 5 * 2**self.request.retries)) from None


@shared_task(ignore_result=True)
def sweep_stuck_submissions() -> int:
    """Re-enqueue submissions stuck in queued or running (a lost message, a killed worker).

    Each sweep counts as an infrastructure retry: a submission that keeps getting stuck (say,
    one that crashes the worker) ends as an infrastructure error instead of looping forever.
    """
    stuck = submissions_stuck()
    for submission_id in stuck:
        if submission_sweep(submission_id=submission_id, max_retries=MAX_INFRA_RETRIES):
            grade_submission.apply_async((submission_id,), queue="grading")
    if stuck:
        logger.warning("swept %d stuck submissions: %s", len(stuck), stuck)
    return len(stuck)


@worker_ready.connect
def reap_orphan_containers(**kwargs) -> None:
    try:
        removed = sandbox().reap_orphans()
    except SandboxUnavailable as exc:
        logger.warning("could not reap orphan sandbox containers: %s", exc)
        return
    if removed:
        logger.warning("removed %d orphan sandbox containers", removed)
