from django.contrib import admin

from instructor.models import RegradeBatch, RegradeItem, SubmissionComment


@admin.register(SubmissionComment)
class SubmissionCommentAdmin(admin.ModelAdmin):
    list_display = ["submission", "author", "created_at"]
    list_select_related = ["submission", "submission__user", "submission__exercise", "author"]
    search_fields = ["body", "author__username"]


class RegradeItemInline(admin.TabularInline):
    model = RegradeItem
    extra = 0
    fields = ["submission", "status", "old_score", "new_score", "old_verdict", "new_verdict"]
    readonly_fields = fields


@admin.register(RegradeBatch)
class RegradeBatchAdmin(admin.ModelAdmin):
    list_display = ["id", "exercise", "scope", "created_by", "created_at", "published_at", "discarded_at"]
    list_filter = ["scope", "exercise"]
    list_select_related = ["exercise", "created_by"]
    inlines = [RegradeItemInline]


@admin.register(RegradeItem)
class RegradeItemAdmin(admin.ModelAdmin):
    list_display = ["id", "batch", "submission", "status", "old_score", "new_score"]
    list_filter = ["status"]
    list_select_related = ["batch", "batch__exercise", "submission", "submission__user", "submission__exercise"]
