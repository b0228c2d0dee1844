import pytest
from django.conf import settings

from course.models import Lesson, LessonProgress
from course.services import curriculum_sync

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_sign_up_open_a_lesson_mark_it_complete_and_see_progress(live_server, page):
    _, report = curriculum_sync(root=settings.CURRICULUM_DIR)
    total = len(report.created)
    page.goto(live_server.url)
    page.get_by_role("link", name="Sign up").first.click()
    page.fill("#id_username", "grace")
    page.fill("#id_email", "grace@example.com")
    page.fill("#id_password1", "compilers-are-fun-1906")
    page.fill("#id_password2", "compilers-are-fun-1906")
    page.get_by_role("button", name="Sign up").click()

    assert page.get_by_test_id("progress-label").inner_text() == f"0 of {total} lessons complete (0%)"
    page.locator(".lesson-card a").first.click()
    assert page.locator(".toc li").count() >= 3
    page.get_by_role("button", name="Mark complete").click()
    assert page.get_by_test_id("lesson-status").inner_text() == "Completed"

    page.get_by_role("link", name="Django Backend Academy").first.click()
    percent = round(100 / total)
    assert page.get_by_test_id("progress-label").inner_text() == f"1 of {total} lessons complete ({percent}%)"
    assert page.locator(".progress-fill").get_attribute("style") == f"width: {percent}%"
    assert page.locator(".lesson-card.done").count() == 1
    first_lesson = Lesson.objects.filter(is_published=True).order_by("order").first()
    progress = LessonProgress.objects.filter(user__username="grace")
    assert list(progress.values_list("lesson_id", flat=True)) == [first_lesson.pk]
