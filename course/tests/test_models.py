import pytest
from django.db import IntegrityError, transaction

from course.models import Lesson, LessonProgress
from course.tests.factories import CourseFactory, LessonFactory, LessonProgressFactory

pytestmark = pytest.mark.django_db


def test_lesson_slug_is_unique_per_course():
    lesson = LessonFactory(slug="orm", order=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        LessonFactory(course=lesson.course, slug="orm", order=2)
    assert Lesson.objects.count() == 1


def test_two_published_lessons_cannot_share_an_order():
    lesson = LessonFactory(order=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        LessonFactory(course=lesson.course, order=3)
    assert Lesson.objects.count() == 1


def test_an_unpublished_lesson_keeps_its_order_free_for_a_new_one():
    old = LessonFactory(slug="removed", order=3, is_published=False)
    new = LessonFactory(course=old.course, slug="added", order=3)
    assert list(Lesson.objects.filter(order=3).values_list("slug", "is_published").order_by("pk")) == [
        (old.slug, False),
        (new.slug, True),
    ]


@pytest.mark.parametrize(("field", "value"), [("order", 0), ("minutes", 0)])
def test_order_and_minutes_are_positive_in_the_database(field, value):
    course = CourseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        LessonFactory(course=course, **{field: value})
    assert Lesson.objects.count() == 0


def test_one_progress_row_per_learner_and_lesson():
    progress = LessonProgressFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        LessonProgressFactory(user=progress.user, lesson=progress.lesson)
    assert LessonProgress.objects.count() == 1
