import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.api import token_client
from course.tests.factories import LessonFactory, LessonProgressFactory

pytestmark = pytest.mark.django_db


def lesson_row(lesson, *, is_complete: bool, exercise: str | None = None) -> dict:
    return {
        "slug": lesson.slug,
        "title": lesson.title,
        "summary": lesson.summary,
        "order": lesson.order,
        "minutes": lesson.minutes,
        "is_complete": is_complete,
        "url": f"http://testserver/lessons/{lesson.slug}/",
        "exercise": exercise,
    }


def test_course_with_lessons_and_your_progress(learner, django_assert_num_queries):
    first, second, third = LessonFactory(order=1), LessonFactory(order=2), LessonFactory(order=3)
    LessonFactory(order=4, is_published=False)
    LessonProgressFactory(user=learner, lesson=second)
    LessonProgressFactory(lesson=first)  # someone else's progress does not count
    client = token_client(learner)
    with django_assert_num_queries(4):  # token, course, lessons with completion, exercise slugs
        response = client.get(reverse("api:course"))
    assert response.json() == {
        "slug": "django-backend",
        "title": "Django Backend Academy",
        "summary": "",
        "completed": 1,
        "total": 3,
        "percent": 33,
        "lessons": [
            lesson_row(first, is_complete=False),
            lesson_row(second, is_complete=True),
            lesson_row(third, is_complete=False),
        ],
    }


def test_query_count_does_not_grow_with_lessons(learner, django_assert_num_queries):
    for order in range(1, 21):
        LessonProgressFactory(user=learner, lesson=LessonFactory(order=order))
    client = token_client(learner)
    with django_assert_num_queries(4):
        response = client.get(reverse("api:course"))
    assert (response.json()["completed"], response.json()["percent"]) == (20, 100)


def test_lessons_name_their_exercise(learner, probe_exercise):
    lessons = token_client(learner).get(reverse("api:course")).json()["lessons"]
    assert [(row["slug"], row["exercise"]) for row in lessons] == [("probe", "probe")]


def test_no_course_yet_is_a_404(learner):
    response = token_client(learner).get(reverse("api:course"))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_course_needs_a_token(db):
    response = APIClient().get(reverse("api:course"))
    assert (response.status_code, response.json()["error"]["code"]) == (401, "not_authenticated")
