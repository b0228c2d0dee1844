import dataclasses

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import User
from course.models import CheckAnswer, Course, KnowledgeCheck, Lesson, LessonProgress
from exercises.models import Exercise


@dataclasses.dataclass(frozen=True)
class CourseProgress:
    course: Course | None
    lessons: list[Lesson]  # each annotated with is_complete, checks_total and checks_correct
    completed: int
    checks_total: int = 0
    checks_correct: int = 0

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def percent(self) -> int:
        """Completed lessons and correctly answered knowledge checks, each counting one."""
        units = self.total + self.checks_total
        return round(100 * (self.completed + self.checks_correct) / units) if units else 0


def published_lessons() -> QuerySet[Lesson]:
    return Lesson.objects.filter(is_published=True).order_by("order")


def _count_per_lesson(queryset: QuerySet, lesson_field: str) -> Coalesce:
    """A correlated COUNT(*) subquery: one number per lesson, without multiplying joined rows."""
    counted = queryset.order_by().values(lesson_field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def course_progress_for_user(*, user: User | None) -> CourseProgress:
    """The (single) course and its published lessons with completion, in two queries."""
    course = Course.objects.order_by("pk").first()
    if course is None:
        return CourseProgress(course=None, lessons=[], completed=0)
    lessons = (
        published_lessons().filter(course=course).defer("body")
        .annotate(checks_total=_count_per_lesson(KnowledgeCheck.objects.filter(lesson=OuterRef("pk")), "lesson"))
    )  # fmt: skip
    signed_in = user is not None and user.is_authenticated
    if signed_in:
        done = LessonProgress.objects.filter(user=user, lesson=OuterRef("pk"))
        correct = CheckAnswer.objects.filter(user=user, is_correct=True, knowledge_check__lesson=OuterRef("pk"))
        lessons = lessons.annotate(
            is_complete=Exists(done), checks_correct=_count_per_lesson(correct, "knowledge_check__lesson")
        )
    rows = list(lessons)
    for row in rows:
        row.is_complete = getattr(row, "is_complete", False)
        row.checks_correct = getattr(row, "checks_correct", 0)
    return CourseProgress(
        course=course,
        lessons=rows,
        completed=sum(r.is_complete for r in rows),
        checks_total=sum(r.checks_total for r in rows) if signed_in else 0,
        checks_correct=sum(r.checks_correct for r in rows),
    )


@dataclasses.dataclass(frozen=True)
class LessonPage:
    lesson: Lesson
    previous: Lesson | None
    next: Lesson | None
    is_complete: bool
    exercise: Exercise | None
    checks: list[KnowledgeCheck]  # each annotated with my_chosen and my_correct (None if unanswered)


def lesson_checks(*, lesson: Lesson, user: User) -> list[KnowledgeCheck]:
    mine = CheckAnswer.objects.filter(user=user, knowledge_check=OuterRef("pk"))
    return list(
        KnowledgeCheck.objects.filter(lesson=lesson)
        .annotate(my_chosen=Subquery(mine.values("chosen")[:1]), my_correct=Subquery(mine.values("is_correct")[:1]))
        .order_by("position")
    )


def lesson_page(*, slug: str, user: User) -> LessonPage:
    """A published lesson with its neighbours and the user's completion. Raises DoesNotExist."""
    lesson = published_lessons().select_related("course").get(slug=slug)
    siblings = published_lessons().filter(course=lesson.course_id).only("slug", "title", "order")
    previous = siblings.filter(order__lt=lesson.order).order_by("-order").first()
    following = siblings.filter(order__gt=lesson.order).first()
    is_complete = LessonProgress.objects.filter(user=user, lesson=lesson).exists()
    exercise = Exercise.objects.filter(lesson=lesson, is_published=True).only("slug", "title", "summary").first()
    return LessonPage(
        lesson=lesson,
        previous=previous,
        next=following,
        is_complete=is_complete,
        exercise=exercise,
        checks=lesson_checks(lesson=lesson, user=user),
    )
