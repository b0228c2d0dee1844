from django.contrib import admin

from course.models import CheckAnswer, Course, KnowledgeCheck, Lesson, LessonProgress


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "updated_at"]
    search_fields = ["title", "slug"]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["order", "title", "slug", "course", "minutes", "is_published", "updated_at"]
    list_display_links = ["title"]
    list_filter = ["is_published", "course"]
    search_fields = ["title", "slug"]
    readonly_fields = ["content_hash", "source_path", "updated_at"]


@admin.register(LessonProgress)
class LessonProgressAdmin(admin.ModelAdmin):
    list_display = ["user", "lesson", "completed_at"]
    list_filter = ["lesson__course", "lesson"]
    list_select_related = ["user", "lesson"]
    search_fields = ["user__username", "lesson__title"]
    date_hierarchy = "completed_at"


@admin.register(KnowledgeCheck)
class KnowledgeCheckAdmin(admin.ModelAdmin):
    list_display = ["key", "lesson", "kind", "position"]
    list_filter = ["kind", "lesson"]
    list_select_related = ["lesson"]
    search_fields = ["key", "question"]


@admin.register(CheckAnswer)
class CheckAnswerAdmin(admin.ModelAdmin):
    list_display = ["user", "knowledge_check", "is_correct", "attempts", "answered_at"]
    list_filter = ["is_correct", "knowledge_check__lesson"]
    list_select_related = ["user", "knowledge_check", "knowledge_check__lesson"]
    search_fields = ["user__username", "knowledge_check__key"]
