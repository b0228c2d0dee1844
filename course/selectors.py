import dataclasses

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import User
from course.models import Course, Lesson, LessonProgress
from exercises.models import Exercise


@dataclasses.dataclass(frozen=True)
class CourseProgress:
    course: Course | None
    lessons: list[Lesson]  # each annotated with `is_complete`
    completed: int

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0


def published_lessons() -> QuerySet[Lesson]:
    return Lesson.objects.filter(is_published=True).order_by("order")


def course_progress_for_user(*, user: User | None) -> CourseProgress:
    """The (single) course and its published lessons with completion, in two queries."""
    course = Course.objects.order_by("pk").first()
    if course is None:
        return CourseProgress(course=None, lessons=[], completed=0)
    lessons = published_lessons().filter(course=course).defer("body")
    if user is not None and user.is_authenticated:
        done = LessonProgress.objects.filter(user=user, lesson=OuterRef("pk"))
        lessons = lessons.annotate(is_complete=Exists(done))
    rows = list(lessons)
    for row in rows:
        row.is_complete = getattr(row, "is_complete", False)
    return CourseProgress(course=course, lessons=rows, completed=sum(r.is_complete for r in rows))


@dataclasses.dataclass(frozen=True)
class LessonPage:
    lesson: Lesson
    previous: Lesson | None
    next: Lesson | None
    is_complete: bool
    exercise: Exercise | None


def lesson_page(*, slug: str, user: User) -> LessonPage:
    """A published lesson with its neighbours and the user's completion. Raises DoesNotExist."""
    lesson = published_lessons().select_related("course").get(slug=slug)
    siblings = published_lessons().filter(course=lesson.course_id).only("slug", "title", "order")
    previous = siblings.filter(order__lt=lesson.order).order_by("-order").first()
    following = siblings.filter(order__gt=lesson.order).first()
    is_complete = LessonProgress.objects.filter(user=user, lesson=lesson).exists()
    exercise = Exercise.objects.filter(lesson=lesson, is_published=True).only("slug", "title", "summary").first()
    return LessonPage(lesson=lesson, previous=previous, next=following, is_complete=is_complete, exercise=exercise)
