import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from course.models import Lesson

sha256_validator = RegexValidator(r"^[0-9a-f]{64}$", "A sha256 is 64 lowercase hex digits.")


class Exercise(models.Model):
    """An exercise as loaded from curriculum/NN-slug/exercise/exercise.toml."""

    class Reveal(models.TextChoices):
        NEVER = "never", "Never"
        AFTER_DUE = "after_due", "After the due date"
        ALWAYS = "always", "Always"

    lesson = models.OneToOneField(Lesson, on_delete=models.PROTECT, related_name="exercise")
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=500, blank=True)
    max_score = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    django_settings = models.CharField(max_length=200)
    wall_seconds = models.PositiveSmallIntegerField(validators=[MinValueValidator(5), MaxValueValidator(900)])
    memory_mb = models.PositiveIntegerField(validators=[MinValueValidator(128), MaxValueValidator(8192)])
    pids = models.PositiveIntegerField(validators=[MinValueValidator(16), MaxValueValidator(4096)])
    output_kb = models.PositiveIntegerField(validators=[MinValueValidator(16), MaxValueValidator(4096)])
    cpus = models.DecimalField(max_digits=4, decimal_places=2, validators=[MinValueValidator(0.1)])
    # The rubric and the hidden-test catalogue are read whole and never queried into.
    rubric = models.JSONField()
    hidden_tests = models.JSONField()
    source_dir = models.CharField(max_length=300, help_text="The exercise/ directory, relative to the repository.")
    content_hash = models.CharField(max_length=64)
    is_published = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Policies: from exercise.toml's [policy], unless an instructor overrode them in the admin.
    due_at = models.DateTimeField(null=True, blank=True)
    late_penalty_percent = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    max_attempts = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    cooldown_seconds = models.PositiveIntegerField(default=0)
    reveal_hidden = models.CharField(
        max_length=16,
        choices=Reveal.choices,
        default=Reveal.NEVER,
        help_text="When learners may read hidden tests' failure messages.",
    )
    policy_overridden = models.BooleanField(
        default=False, help_text="Set when an instructor edits the policy here: sync_curriculum then keeps it."
    )

    class Meta:
        ordering = ["lesson__order"]
        constraints = [
            models.CheckConstraint(condition=Q(late_penalty_percent__lte=100), name="exercise_penalty_at_most_100"),
            models.CheckConstraint(
                condition=Q(reveal_hidden__in=["never", "after_due", "always"]), name="exercise_reveal_valid"
            ),
            models.CheckConstraint(condition=Q(cpus__gt=0), name="exercise_cpus_positive"),
            models.CheckConstraint(condition=Q(max_score__gte=1), name="exercise_max_score_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def hidden_details_revealed(self, now: datetime.datetime) -> bool:
        """May learners read hidden tests' failure messages now?"""
        if self.reveal_hidden == self.Reveal.ALWAYS:
            return True
        return self.reveal_hidden == self.Reveal.AFTER_DUE and self.due_at is not None and now > self.due_at


class Submission(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        GRADED = "graded", "Graded"
        ERROR = "error", "Error"

    class Verdict(models.TextChoices):
        PASSED = "passed", "Passed"
        FAILED = "failed", "Failed"
        SYNTAX_ERROR = "syntax_error", "Syntax or import error"
        TIMEOUT = "timeout", "Time limit"
        MEMORY_LIMIT = "memory_limit", "Memory limit"
        OUTPUT_LIMIT = "output_limit", "Output limit"
        INFRA_ERROR = "infra_error", "Infrastructure error"

    TERMINAL = (Status.GRADED, Status.ERROR)
    # What a learner sees as the verdict of their own held submission (never stored).
    HELD_FOR_REVIEW = "held_for_review"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="submissions")
    # The n-th upload of this learner for this exercise.
    number = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    archive = models.FileField(upload_to="submissions/%Y/%m/")
    archive_sha256 = models.CharField(max_length=64, validators=[sha256_validator])
    archive_size = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=32, blank=True, help_text="The runner stage in progress, while running.")
    verdict = models.CharField(max_length=16, choices=Verdict.choices, blank=True)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    max_score = models.PositiveSmallIntegerField()
    # A syntax error or an infrastructure fault costs the learner no attempt.
    counts_as_attempt = models.BooleanField(default=True)
    results = models.JSONField(default=dict, blank=True)
    error_message = models.CharField(max_length=1000, blank=True)
    image_id = models.CharField(max_length=80, blank=True)
    infra_retries = models.PositiveSmallIntegerField(default=0)
    flagged = models.BooleanField(default=False, help_text="Suspected tampering: review by an instructor.")
    flag_reason = models.CharField(max_length=300, blank=True)
    # A report that honest code cannot produce (docs/grading-integrity.md): the learner sees
    # "held for review" instead of the score, and it counts toward nothing until released.
    held = models.BooleanField(default=False, help_text="Held for review: hidden from the learner and from progress.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # "My attempts at this exercise", newest first.
            models.Index(fields=["user", "exercise", "-created_at"], name="submission_user_exercise_idx"),
            # The queue position and the stuck-submission sweep scan by status.
            models.Index(fields=["status", "created_at"], name="submission_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "exercise", "number"], name="submission_unique_number"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=models.F("max_score"))),
                name="submission_score_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="graded") | (Q(score__isnull=False) & ~Q(verdict="")),
                name="submission_graded_has_score",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "graded", "error"]), name="submission_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.exercise.slug} #{self.number}"

    @property
    def is_terminal(self) -> bool:
        return self.status in self.TERMINAL


class ExerciseProgress(models.Model):
    """One learner's standing on one exercise: a summary of their submissions, kept in step with them.

    Written by `exercises.services.progress_refresh` in the same transaction as every change to a
    submission's score, verdict or attempt flag, so the instructor pages read one row per learner
    and exercise instead of aggregating every submission ever made.
    """

    # No index of its own: the unique (user, exercise) constraint's index leads with user.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exercise_progress", db_index=False
    )
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="progress")
    best_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    passed = models.BooleanField(default=False)
    # Some submission of this learner's is held for review.
    held = models.BooleanField(default=False)
    last_submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "exercise progress"
        constraints = [
            models.UniqueConstraint(fields=["user", "exercise"], name="progress_unique_learner_exercise"),
            models.CheckConstraint(
                condition=Q(best_score__isnull=True) | Q(best_score__gte=0), name="progress_best_score_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.exercise.slug}"

    def is_late(self, exercise: Exercise) -> bool:
        """Anything submitted after the due date (which may have moved since)."""
        return bool(exercise.due_at and self.last_submitted_at and self.last_submitted_at > exercise.due_at)
