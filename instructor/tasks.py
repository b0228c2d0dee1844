import logging

from celery import shared_task

from grader.sandbox import SandboxUnavailable
from grader.tasks import SANDBOX_TASK, retries_left, retry_later
from instructor.services import regrade_item_failed, regrade_item_run

logger = logging.getLogger(__name__)


@shared_task(**SANDBOX_TASK)
def regrade_item(self, item_id: int) -> None:
    try:
        regrade_item_run(item_id=item_id)
    except SandboxUnavailable as exc:
        if not retries_left(self):
            regrade_item_failed(item_id=item_id, reason=str(exc))
            return
        raise retry_later(self, exc) from None
    except Exception as exc:
        # A grader bug: the item ends as an error (shown in the before/after table) instead of
        # keeping the batch pending forever.
        logger.exception("regrade item %s failed with an unexpected error", item_id)
        regrade_item_failed(item_id=item_id, reason=f"grader error: {exc!r}")
