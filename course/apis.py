from django.urls import reverse
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from course.selectors import course_progress_for_user
from exercises.selectors import published_exercises


class CourseDetailApi(APIView):
    """The course and its published lessons, with the user's progress."""

    class OutputSerializer(serializers.Serializer):
        class LessonSerializer(serializers.Serializer):
            slug = serializers.CharField()
            title = serializers.CharField()
            summary = serializers.CharField()
            order = serializers.IntegerField()
            minutes = serializers.IntegerField()
            is_complete = serializers.BooleanField()
            url = serializers.CharField()
            exercise = serializers.CharField(allow_null=True, help_text="The slug of the lesson's exercise.")

        slug = serializers.CharField()
        title = serializers.CharField()
        summary = serializers.CharField()
        completed = serializers.IntegerField()
        total = serializers.IntegerField()
        percent = serializers.IntegerField()
        lessons = LessonSerializer(many=True)

    def get(self, request):
        progress = course_progress_for_user(user=request.user)
        if progress.course is None:
            raise exceptions.NotFound("No course has been loaded yet (run sync_curriculum).")
        exercises = dict(published_exercises().values_list("lesson_id", "slug"))
        lessons = [
            {
                **{name: getattr(lesson, name) for name in ("slug", "title", "summary", "order", "minutes")},
                "is_complete": lesson.is_complete,
                "url": request.build_absolute_uri(reverse("course:lesson", args=[lesson.slug])),
                "exercise": exercises.get(lesson.pk),
            }
            for lesson in progress.lessons
        ]
        course = progress.course
        data = {
            "slug": course.slug,
            "title": course.title,
            "summary": course.summary,
            "completed": progress.completed,
            "total": progress.total,
            "percent": progress.percent,
            "lessons": lessons,
        }
        return Response(self.OutputSerializer(data).data)
