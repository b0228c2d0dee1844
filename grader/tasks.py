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

# Options of every task that runs a sandbox (grading here, regrades in instructor.tasks).
SANDBOX_TASK = {
    "bind": True,
    "acks_late": True,  # a worker that dies mid-grade leaves the message for another one
    "reject_on_worker_lost": True,
    "max_retries": MAX_INFRA_RETRIES,
    "soft_time_limit": SOFT_TIME_LIMIT,
    "time_limit": HARD_TIME_LIMIT,
    "ignore_result": True,
}
GRADER_ERROR_MESSAGE = (
    "The grader failed on this submission because of a fault on our side, not in your code; it is not counted as "
    "an attempt. The team has the details and can regrade it."
)


def retries_left(task) -> bool:
    return task.request.retries < task.max_retries


def retry_later(task, exc: Exception):
    """The Retry to raise: back off 5 s, 10 s, 20 s … up to 5 minutes."""
    return task.retry(exc=exc, countdown=min(300, 5 * 2**task.request.retries))


@shared_task(**SANDBOX_TASK)
def grade_submission(self, submission_id: int) -> None:
    try:
        submission_grade(submission_id=submission_id)
    except SandboxUnavailable as exc:
        # Infrastructure faults are retried; a learner's failing code is a result, not an error.
        final = not retries_left(self)
        submission_infra_failed(submission_id=submission_id, reason=str(exc), final=final)
        if not final:
            raise retry_later(self, exc) from None
    except Exception as exc:
        # A bug in the grader: a retry would fail the same way. End it now, uncounted, with the
        # traceback in the log, rather than leave it running until the sweep gives up on it.
        logger.exception("grading submission %s failed with an unexpected error", submission_id)
        submission_infra_failed(
            submission_id=submission_id, reason=f"grader error: {exc!r}", final=True, message=GRADER_ERROR_MESSAGE
        )


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
