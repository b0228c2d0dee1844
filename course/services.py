import dataclasses
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from course.curriculum import QuizSource, course_read, lessons_read
from course.markdown import markdown_render
from course.models import CheckAnswer, Course, KnowledgeCheck, Lesson, LessonProgress
from exercises.curriculum import exercise_read
from exercises.services import exercises_sync


@dataclasses.dataclass
class SyncReport:
    created: list[str] = dataclasses.field(default_factory=list)
    updated: list[str] = dataclasses.field(default_factory=list)
    unpublished: list[str] = dataclasses.field(default_factory=list)
    unchanged: int = 0
    exercises_created: list[str] = dataclasses.field(default_factory=list)
    exercises_updated: list[str] = dataclasses.field(default_factory=list)
    exercises_unpublished: list[str] = dataclasses.field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(
            (self.created, self.updated, self.unpublished,
             self.exercises_created, self.exercises_updated, self.exercises_unpublished)
        )  # fmt: skip


def curriculum_sync(*, root: Path) -> tuple[Course, SyncReport]:
    """Load course.toml and every lesson.md under `root` into the database.

    Everything is parsed (and so validated) before the first write, and all writes happen in
    one transaction: a bad file leaves the database as it was. Rows whose content hash is
    unchanged are not written at all, so a second run is a no-op.
    """
    source = course_read(root)
    lessons = lessons_read(root)
    exercises = {
        lesson.slug: exercise_read(lesson.path.parent, anchors={e.anchor for e in markdown_render(lesson.body).toc})
        for lesson in lessons
    }
    report = SyncReport()
    with transaction.atomic():
        course = Course.objects.filter(slug=source.slug).first()
        if course is None:
            course = Course(slug=source.slug)
        if course.content_hash != source.content_hash:
            course.title, course.summary, course.content_hash = source.title, source.summary, source.content_hash
            course.full_clean()
            course.save()
        existing = {lesson.slug: lesson for lesson in Lesson.objects.select_for_update().filter(course=course)}
        wanted = {lesson.slug for lesson in lessons}

        # Unpublish first: a new lesson may take the order a removed one had.
        for slug, lesson in existing.items():
            if slug not in wanted and lesson.is_published:
                lesson.is_published = False
                lesson.save(update_fields=["is_published", "updated_at"])
                report.unpublished.append(slug)

        # Orders can swap between two lessons; park changed ones out of the way first so the
        # filtered unique index on (course, order) never sees a transient duplicate.
        changed = {
            s.slug
            for s in lessons
            if s.slug in existing
            and (existing[s.slug].content_hash != s.content_hash or not existing[s.slug].is_published)
        }
        parked = [existing[slug].pk for slug in changed if existing[slug].is_published]
        if parked:
            Lesson.objects.filter(pk__in=parked).update(is_published=False)

        for source_lesson in lessons:
            lesson = existing.get(source_lesson.slug)
            if lesson is not None and source_lesson.slug not in changed:
                report.unchanged += 1
                continue
            if lesson is None:
                lesson = Lesson(course=course, slug=source_lesson.slug)
                report.created.append(source_lesson.slug)
            else:
                report.updated.append(source_lesson.slug)
            lesson.title = source_lesson.title
            lesson.summary = source_lesson.summary
            lesson.order = source_lesson.order
            lesson.minutes = source_lesson.minutes
            lesson.body = source_lesson.body
            lesson.content_hash = source_lesson.content_hash
            lesson.source_path = str(source_lesson.path.relative_to(root.parent))
            lesson.is_published = True
            lesson.full_clean(validate_constraints=False)
            lesson.save()
            existing[source_lesson.slug] = lesson
            _checks_sync(lesson=lesson, quizzes=source_lesson.quizzes)

        exercises_sync(lessons=existing, sources=exercises, report=report)
    return course, report


def _checks_sync(*, lesson: Lesson, quizzes: tuple[QuizSource, ...]) -> None:
    """Make the lesson's knowledge checks match its quiz blocks; answers to kept checks survive."""
    current = {check.key: check for check in lesson.checks.all()}
    for position, quiz in enumerate(quizzes):
        check = current.pop(quiz.key, None) or KnowledgeCheck(lesson=lesson, key=quiz.key)
        check.kind, check.question, check.options = quiz.kind, quiz.question, list(quiz.options)
        check.answer, check.explanation, check.language, check.position = (
            quiz.answer,
            quiz.explanation,
            quiz.language,
            position,
        )
        check.save()
    if current:
        KnowledgeCheck.objects.filter(pk__in=[check.pk for check in current.values()]).delete()


def check_answer(*, user: User, check: KnowledgeCheck, chosen: int) -> CheckAnswer:
    """Record a learner's answer. Raises ValueError for an option that does not exist."""
    if not 0 <= chosen < len(check.options):
        raise ValueError(f"There is no option {chosen} in this question.")
    correct = chosen == check.answer
    with transaction.atomic():
        answer = CheckAnswer.objects.select_for_update().filter(user=user, knowledge_check=check).first()
        if answer is None:
            return CheckAnswer.objects.create(
                user=user, knowledge_check=check, chosen=chosen, is_correct=correct, answered_at=timezone.now()
            )
        # Once right, a later slip does not take the credit away.
        answer.chosen, answer.is_correct = chosen, answer.is_correct or correct
        answer.attempts += 1
        answer.answered_at = timezone.now()
        answer.save(update_fields=["chosen", "is_correct", "attempts", "answered_at"])
        return answer


def lesson_complete(*, user: User, lesson: Lesson) -> LessonProgress:
    """Mark `lesson` complete for `user`; completing twice keeps the first time."""
    progress = LessonProgress.objects.filter(user=user, lesson=lesson).first()
    if progress is not None:
        return progress
    try:
        with transaction.atomic():
            return LessonProgress.objects.create(user=user, lesson=lesson, completed_at=timezone.now())
    except IntegrityError:
        # A double click raced us to the unique constraint: the other request's row stands.
        return LessonProgress.objects.get(user=user, lesson=lesson)
