from django.contrib import admin

from exercises.models import Exercise, Submission


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
    readonly_fields = [
        "archive_sha256",
        "archive_size",
        "results",
        "image_id",
        "created_at",
        "started_at",
        "finished_at",
        "infra_retries",
    ]
