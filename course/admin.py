from django.contrib import admin

from course.models import Course, Lesson, LessonProgress


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
