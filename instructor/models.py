from django.conf import settings
from django.db import models
from django.db.models import Q

from exercises.models import Exercise, Submission


class SubmissionComment(models.Model):
    """An instructor's note on a submission; the learner sees it on their feedback page."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="comment_body_not_empty")]

    def __str__(self) -> str:
        return f"{self.author} on {self.submission}"


class RegradeBatch(models.Model):
    """Submissions re-run after an exercise's tests changed. Nothing is published until confirmed."""

    class Scope(models.TextChoices):
        SINGLE = "single", "One submission"
        LATEST = "latest", "Every learner's latest submission"
        BEST = "best", "Every learner's best submission"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="regrades")
    scope = models.CharField(max_length=8, choices=Scope.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # A single-submission regrade publishes as soon as it is done; a batch waits for a person.
    auto_publish = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    discarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(scope__in=["single", "latest", "best"]), name="regrade_scope_valid"),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(discarded_at__isnull=True),
                name="regrade_published_or_discarded",
            ),
        ]

    def __str__(self) -> str:
        return f"Regrade #{self.pk} of {self.exercise.slug} ({self.scope})"


class RegradeItem(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        ERROR = "error", "Error"

    batch = models.ForeignKey(RegradeBatch, on_delete=models.CASCADE, related_name="items")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="regrade_items")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    old_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    old_verdict = models.CharField(max_length=16, blank=True)
    new_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    new_verdict = models.CharField(max_length=16, blank=True)
    new_results = models.JSONField(default=dict, blank=True)
    new_image_id = models.CharField(max_length=80, blank=True)
    error_message = models.CharField(max_length=500, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "submission"], name="regrade_item_once_per_batch"),
            models.CheckConstraint(condition=Q(status__in=["pending", "done", "error"]), name="regrade_item_status"),
        ]

    def __str__(self) -> str:
        return f"{self.batch} · submission {self.submission_id}"

    @property
    def changed(self) -> bool:
        return self.status == self.Status.DONE and (
            self.new_score != self.old_score or self.new_verdict != self.old_verdict
        )
