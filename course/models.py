from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

slug_validator = RegexValidator(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", "Use lowercase letters, digits and single hyphens.")


class Course(models.Model):
    slug = models.SlugField(max_length=80, unique=True, validators=[slug_validator])
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=500, blank=True)
    content_hash = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="lessons")
    slug = models.SlugField(max_length=80, validators=[slug_validator])
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    body = models.TextField(help_text="Markdown, without the front matter.")
    # sha256 of the whole lesson.md: the sync's change detector and the render-cache key.
    content_hash = models.CharField(max_length=64)
    source_path = models.CharField(max_length=300)
    # Removed lessons are unpublished, never deleted, so that learners' progress survives.
    is_published = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="lesson_unique_slug_per_course"),
            # Filtered unique index: an unpublished lesson may keep an order a new lesson reuses.
            models.UniqueConstraint(
                fields=["course", "order"],
                condition=models.Q(is_published=True),
                name="lesson_unique_published_order_per_course",
            ),
            models.CheckConstraint(condition=models.Q(order__gte=1), name="lesson_order_positive"),
            models.CheckConstraint(condition=models.Q(minutes__gte=1), name="lesson_minutes_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class LessonProgress(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    completed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "lesson progress"
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="progress_one_row_per_user_and_lesson"),
        ]

    def __str__(self) -> str:
        return f"{self.user} completed {self.lesson}"


class KnowledgeCheck(models.Model):
    """A question inside a lesson (a ```quiz block). The answer never leaves the server."""

    class Kind(models.TextChoices):
        CHOICE = "choice", "Multiple choice"
        LINE = "line", "Which line?"

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="checks")
    key = models.SlugField(max_length=80)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    question = models.CharField(max_length=1000)
    options = models.JSONField(help_text="The choices, or the code's lines for a 'which line' question.")
    answer = models.PositiveSmallIntegerField(help_text="0-based index into options.")
    explanation = models.TextField()
    language = models.CharField(max_length=20, default="python")
    position = models.PositiveSmallIntegerField(help_text="Order within the lesson.")

    class Meta:
        ordering = ["lesson", "position"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "key"], name="check_unique_key_per_lesson"),
            models.CheckConstraint(condition=models.Q(kind__in=["choice", "line"]), name="check_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson.slug}#{self.key}"


class CheckAnswer(models.Model):
    """A learner's latest answer to a knowledge check, and whether they ever got it right."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="check_answers")
    knowledge_check = models.ForeignKey(KnowledgeCheck, on_delete=models.CASCADE, related_name="answers")
    chosen = models.PositiveSmallIntegerField()
    is_correct = models.BooleanField()
    attempts = models.PositiveIntegerField(default=1)
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "knowledge_check"], name="answer_one_row_per_user_and_check"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.knowledge_check}"
