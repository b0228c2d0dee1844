import datetime
import hashlib

import factory

from accounts.tests.factories import UserFactory
from course.models import Course, Lesson, LessonProgress


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        django_get_or_create = ["slug"]

    slug = "django-backend"
    title = "Django Backend Academy"
    content_hash = "0" * 64


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    course = factory.SubFactory(CourseFactory)
    order = factory.Sequence(lambda n: n + 1)
    slug = factory.LazyAttribute(lambda o: f"lesson-{o.order}")
    title = factory.LazyAttribute(lambda o: f"Lesson {o.order}")
    summary = "What this lesson teaches."
    minutes = 20
    body = "## Why it matters {#why}\n\nText.\n\n## Summary {#summary}\n\nDone.\n"
    content_hash = factory.LazyAttribute(lambda o: hashlib.sha256(o.body.encode()).hexdigest())
    source_path = factory.LazyAttribute(lambda o: f"curriculum/{o.order:02d}-{o.slug}/lesson.md")


class LessonProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LessonProgress

    user = factory.SubFactory(UserFactory)
    lesson = factory.SubFactory(LessonFactory)
    completed_at = factory.Faker("date_time_this_year", tzinfo=datetime.UTC)
