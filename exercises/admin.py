from django.contrib import admin

from exercises.models import Exercise, ExerciseProgress, Submission
from exercises.services import progress_refresh


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "lesson", "max_score", "wall_seconds", "memory_mb", "is_published", "updated_at"]
    list_filter = ["is_published"]
    list_select_related = ["lesson"]
    search_fields = ["title", "slug"]
    readonly_fields = ["content_hash", "source_dir", "rubric", "hidden_tests", "updated_at"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "user",
        "exercise",
        "number",
        "status",
        "verdict",
        "score",
        "counts_as_attempt",
        "flagged",
        "created_at",
    ]
    list_filter = ["status", "verdict", "flagged", "counts_as_attempt", "exercise"]
    list_select_related = ["user", "exercise"]
    search_fields = ["user__username", "archive_sha256"]
    date_hierarchy = "created_at"
    # Scores, verdicts and attempts change only through grading and regrades (instructor pages),
    # which keep each learner's ExerciseProgress summary in step; here they are read-only.
    readonly_fields = [
        "user",
        "exercise",
        "number",
        "status",
        "verdict",
        "score",
        "max_score",
        "counts_as_attempt",
        "archive_sha256",
        "archive_size",
        "results",
        "image_id",
        "created_at",
        "started_at",
        "finished_at",
        "infra_retries",
    ]

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        progress_refresh(user_id=obj.user_id, exercise_id=obj.exercise_id)

    def delete_queryset(self, request, queryset) -> None:
        pairs = set(queryset.values_list("user_id", "exercise_id"))
        super().delete_queryset(request, queryset)
        for user_id, exercise_id in pairs:
            progress_refresh(user_id=user_id, exercise_id=exercise_id)


@admin.register(ExerciseProgress)
class ExerciseProgressAdmin(admin.ModelAdmin):
    """Read-only: rows are derived from submissions (`manage.py progress_rebuild` recomputes them)."""

    list_display = ["user", "exercise", "best_score", "attempts", "passed", "last_submitted_at"]
    list_filter = ["passed", "exercise"]
    list_select_related = ["user", "exercise"]
    search_fields = ["user__username"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
