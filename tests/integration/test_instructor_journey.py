"""The instructor's path in headless Chromium, with a real worker regrading in real sandboxes."""

import csv
import io

import pytest
from django.conf import settings
from django.core.management import call_command

from accounts.tests.factories import InstructorFactory
from course.services import curriculum_sync
from exercises.models import Submission
from instructor.models import RegradeBatch, SubmissionComment
from instructor.selectors import progress_matrix

pytestmark = [pytest.mark.integration, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_find_the_struggling_comment_regrade_and_export(celery_worker, live_server, page):
    curriculum_sync(root=settings.CURRICULUM_DIR)
    call_command("seed_demo", learners=8, submissions=12)
    teacher = InstructorFactory(username="teacher", password="teach-the-class-1")
    expected_top5 = [row.learner.username for row in progress_matrix().rows[:5]]

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "teacher")
    page.fill("#id_password", "teach-the-class-1")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Instructor").click()
    assert page.get_by_test_id("learner").all_inner_texts()[:5] == expected_top5

    # The most struggling learner's first failing cell, then that attempt's review page.
    page.locator("[data-testid=matrix-row]").first.locator("td.cell:not(.empty) a").first.click()
    page.get_by_test_id("attempt").first.get_by_role("link").click()
    assert page.get_by_test_id("file-tree").inner_text().count("manage.py") == 1
    page.fill("textarea[name=body]", "Start from the lesson's worked example.")
    page.get_by_role("button", name="Add comment").click()
    assert page.get_by_test_id("comment").first.inner_text().startswith("teacher")
    comment = SubmissionComment.objects.get()
    assert (comment.author, comment.body) == (teacher, "Start from the lesson's worked example.")

    # Regrade the first lesson's exercise: every learner's latest (demo) submission is re-run.
    exercise = Submission.objects.order_by("exercise__lesson__order").first().exercise
    before = dict(Submission.objects.filter(exercise=exercise).values_list("pk", "score"))
    page.goto(f"{live_server.url}/instructor/exercises/{exercise.slug}/regrade/")
    page.get_by_role("button", name="Start the regrade").click()
    page.get_by_role("button", name="Discard").wait_for(timeout=240_000)
    batch = RegradeBatch.objects.get()
    changes = page.get_by_test_id("change").count()
    assert changes == sum(1 for item in batch.items.all() if item.changed)
    assert dict(Submission.objects.filter(exercise=exercise).values_list("pk", "score")) == before  # unpublished
    page.get_by_role("button", name=f"Publish {changes} change").click()
    batch.refresh_from_db()
    assert batch.published_at is not None
    published = {item.submission_id: item.new_score for item in batch.items.filter(status="done")}
    assert published
    assert dict(Submission.objects.filter(pk__in=published).values_list("pk", "score")) == published

    page.goto(f"{live_server.url}/instructor/")
    with page.expect_download() as download:
        page.get_by_test_id("gradebook").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text())))
    assert rows[0][:2] == ["username", "email"]
    assert len(rows) == 1 + 8
