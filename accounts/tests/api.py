"""Helpers for API tests: a client that carries a real token, and copies of the probe exercise."""

from django.db.models import Max
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, User
from accounts.services import api_token_create
from course.models import Lesson
from course.tests.factories import LessonFactory
from exercises.models import Exercise


def token_client(user: User, *, keyword: str = "Token") -> APIClient:
    """An APIClient authenticated with a fresh token (already marked used, so no write per request)."""
    token, raw = api_token_create(user=user, name="tests")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {raw}")
    client.raw_token = raw
    client.token = token
    return client


def exercise_copy(exercise: Exercise, slug: str, **changes) -> Exercise:
    """Another published exercise like `exercise`, on a lesson of its own, in the same course."""
    last = Lesson.objects.filter(course=exercise.lesson.course).aggregate(n=Max("order"))["n"]
    lesson = LessonFactory(course=exercise.lesson.course, slug=f"lesson-{slug}", order=last + 1)
    copy = Exercise.objects.get(pk=exercise.pk)
    copy.pk, copy.slug, copy.lesson, copy.title = None, slug, lesson, f"Copy {slug}"
    for name, value in changes.items():
        setattr(copy, name, value)
    copy.save()
    return copy
