import pytest
from django.conf import settings

from accounts.models import User
from course.models import CheckAnswer, Lesson, LessonProgress
from course.selectors import course_progress_for_user
from course.services import curriculum_sync

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_sign_up_open_a_lesson_answer_a_check_mark_complete_and_see_progress(live_server, page):
    curriculum_sync(root=settings.CURRICULUM_DIR)
    first_lesson = Lesson.objects.filter(is_published=True).order_by("order").first()
    check = first_lesson.checks.order_by("position").first()

    page.goto(live_server.url)
    page.get_by_role("link", name="Sign up").first.click()
    page.fill("#id_username", "grace")
    page.fill("#id_email", "grace@example.com")
    page.fill("#id_password1", "compilers-are-fun-1906")
    page.fill("#id_password2", "compilers-are-fun-1906")
    page.get_by_role("button", name="Sign up").click()
    grace = User.objects.get(username="grace")
    before = course_progress_for_user(user=grace)
    assert page.get_by_test_id("progress-label").inner_text() == (
        f"0 of {before.total} lessons complete · 0 of {before.checks_total} checks right (0%)"
    )

    page.locator(".lesson-card a").first.click()
    assert page.locator(".toc li").count() >= 3
    quiz = page.locator(f"#quiz-{check.key}")
    # Each choice reads left to right: the radio button first, its text right after it (a card's
    # full-width input style once stretched the buttons and pushed the text to the far right).
    for option in quiz.locator("label").all():
        radio, text = option.locator("input").bounding_box(), option.locator("span, code").last.bounding_box()
        assert radio["width"] < 30
        assert 0 <= text["x"] - (radio["x"] + radio["width"]) < 60
    quiz.locator("input[name=chosen]").nth(check.answer).check()
    quiz.get_by_role("button", name="Check").click()
    assert quiz.locator(".quiz-result .good").inner_text() == "Correct."
    assert check.explanation in quiz.locator(".quiz-result").inner_text()
    page.get_by_role("button", name="Mark complete").click()
    assert page.get_by_test_id("lesson-status").inner_text() == "Completed"

    page.get_by_role("link", name="Django Backend Academy").first.click()
    after = course_progress_for_user(user=grace)
    assert (after.completed, after.checks_correct) == (1, 1)
    label = f"1 of {after.total} lessons complete · 1 of {after.checks_total} checks right ({after.percent}%)"
    assert page.get_by_test_id("progress-label").inner_text() == label
    assert page.locator(".progress-fill").get_attribute("style") == f"width: {after.percent}%"
    assert page.locator(".lesson-card.done").count() == 1
    assert list(LessonProgress.objects.filter(user=grace).values_list("lesson_id", flat=True)) == [first_lesson.pk]
    assert CheckAnswer.objects.get(user=grace).knowledge_check_id == check.pk
