from celery import shared_task

from grader.sandbox import SandboxUnavailable
from grader.tasks import HARD_TIME_LIMIT, MAX_INFRA_RETRIES, SOFT_TIME_LIMIT
from instructor.services import regrade_item_failed, regrade_item_run


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_INFRA_RETRIES,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=HARD_TIME_LIMIT,
    ignore_result=True,
)
def regrade_item(self, item_id: int) -> None:
    try:
        regrade_item_run(item_id=item_id)
    except SandboxUnavailable as exc:
        if self.request.retries >= self.max_retries:
            regrade_item_failed(item_id=item_id, reason=str(exc))
            return
        raise self.retry(exc=exc, countdown=min(300, 5 * 2**self.request.retries)) from None
