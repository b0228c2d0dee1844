from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import ApiError, RateLimitHeadersMixin, SubmissionRateThrottle
from exercises.archive import ArchiveRejected
from exercises.feedback import feedback_for
from exercises.models import Exercise, Submission
from exercises.selectors import (
    exercise_page,
    exercises_for_user,
    published_exercises,
    submission_status_visible_to,
    submission_visible_to,
    submissions_of,
)
from exercises.services import SubmissionNotAllowed, starter_zip, submission_create
from grader.services import queue_position

EXERCISE_STATES = ("not_started", "grading", "attempted", "passed")


class ExerciseSerializer(serializers.Serializer):
    """One exercise with its limits and policy, and the user's standing in it."""

    class LimitsSerializer(serializers.Serializer):
        wall_seconds = serializers.IntegerField()
        memory_mb = serializers.IntegerField()
        pids = serializers.IntegerField()
        cpus = serializers.FloatField()
        output_kb = serializers.IntegerField()

    slug = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    lesson = serializers.CharField(source="lesson.slug")
    lesson_url = serializers.SerializerMethodField()
    max_score = serializers.IntegerField()
    django_settings = serializers.CharField(help_text="DJANGO_SETTINGS_MODULE inside the project.")
    stages = serializers.SerializerMethodField(help_text="The grading stages that carry points, in order.")
    rubric = serializers.DictField(child=serializers.IntegerField())
    limits = serializers.SerializerMethodField()
    due_at = serializers.DateTimeField(allow_null=True)
    late_penalty_percent = serializers.IntegerField()
    max_attempts = serializers.IntegerField(allow_null=True)
    cooldown_seconds = serializers.IntegerField()
    reveal_hidden = serializers.CharField()
    best_score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    attempts_used = serializers.IntegerField()
    attempts_left = serializers.SerializerMethodField(help_text="null when the exercise has no attempt limit.")
    submissions_count = serializers.IntegerField()
    status = serializers.SerializerMethodField(help_text=" | ".join(EXERCISE_STATES))
    last_submission_id = serializers.IntegerField(allow_null=True)

    def get_lesson_url(self, exercise: Exercise) -> str:
        return self.context["request"].build_absolute_uri(reverse("course:lesson", args=[exercise.lesson.slug]))

    def get_stages(self, exercise: Exercise) -> list[str]:
        return [stage for stage, points in exercise.rubric.items() if points > 0]

    def get_limits(self, exercise: Exercise) -> dict:
        fields = ("wall_seconds", "memory_mb", "pids", "cpus", "output_kb")
        return self.LimitsSerializer({name: getattr(exercise, name) for name in fields}).data

    def get_attempts_left(self, exercise: Exercise) -> int | None:
        if exercise.max_attempts is None:
            return None
        return max(0, exercise.max_attempts - exercise.attempts_used)

    def get_status(self, exercise: Exercise) -> str:
        if exercise.pending:
            return "grading"
        if exercise.best_score is not None and exercise.best_score >= exercise.max_score:
            return "passed"
        return "attempted" if exercise.submissions_count else "not_started"


class ExerciseListApi(APIView):
    output_many = True
    OutputSerializer = ExerciseSerializer

    def get(self, request):
        exercises = exercises_for_user(user=request.user)
        return Response(self.OutputSerializer(exercises, many=True, context={"request": request}).data)


class ExerciseDetailApi(APIView):
    OutputSerializer = ExerciseSerializer

    def get(self, request, slug: str):
        try:
            page = exercise_page(slug=slug, user=request.user)
        except Exercise.DoesNotExist:
            raise exceptions.NotFound(f"There is no exercise {slug!r}.") from None
        exercise = page.exercise
        exercise.best_score, exercise.attempts_used = page.best_score, page.attempts
        exercise.submissions_count = len(page.submissions)
        exercise.pending = sum(not s.is_terminal for s in page.submissions)
        exercise.last_submission_id = page.submissions[0].pk if page.submissions else None
        return Response(self.OutputSerializer(exercise, context={"request": request}).data)


class StarterDownloadApi(APIView):
    """The starter project as a zip with one top-level folder named after the exercise."""

    response_media_type = "application/zip"

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)  # errors stay JSON

    def get(self, request, slug: str):
        try:
            exercise = published_exercises().get(slug=slug)
        except Exercise.DoesNotExist:
            raise exceptions.NotFound(f"There is no exercise {slug!r}.") from None
        response = HttpResponse(starter_zip(exercise=exercise), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{exercise.slug}-starter.zip"'
        return response


class SubmissionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.IntegerField()
    exercise = serializers.CharField(source="exercise.slug")
    status = serializers.CharField()
    stage = serializers.CharField()
    verdict = serializers.CharField()
    score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    max_score = serializers.IntegerField()
    counts_as_attempt = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField(help_text="The submission's page on the site.")

    def get_url(self, submission: Submission) -> str:
        return self.context["request"].build_absolute_uri(reverse("exercises:submission", args=[submission.pk]))


class SubmissionCreateApi(RateLimitHeadersMixin, APIView):
    """Upload a .zip or .tar.gz of the project: validated exactly as on the site, then queued."""

    parser_classes = [MultiPartParser]
    throttle_classes = [SubmissionRateThrottle]

    class InputSerializer(serializers.Serializer):
        archive = serializers.FileField(help_text="A .zip or .tar.gz with manage.py at its root (or in one folder).")

    class OutputSerializer(SubmissionSerializer):
        queue_position = serializers.IntegerField(allow_null=True)

    def post(self, request, slug: str):
        try:
            page = exercise_page(slug=slug, user=request.user)
        except Exercise.DoesNotExist:
            raise exceptions.NotFound(f"There is no exercise {slug!r}.") from None
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        exercise = page.exercise
        try:
            submission = submission_create(
                user=request.user, exercise=exercise, upload=serializer.validated_data["archive"]
            )
        except ArchiveRejected as exc:
            raise ApiError(code="archive_rejected", message=str(exc)) from None
        except SubmissionNotAllowed as exc:
            out_of_attempts = exercise.max_attempts is not None and page.attempts >= exercise.max_attempts
            raise ApiError(
                code="attempt_limit" if out_of_attempts else "cooldown",
                message=str(exc),
                status_code=status.HTTP_409_CONFLICT,
                details={"max_attempts": exercise.max_attempts, "cooldown_seconds": exercise.cooldown_seconds},
            ) from None
        submission.queue_position = queue_position(submission=submission)
        data = self.OutputSerializer(submission, context={"request": request}).data
        location = reverse("api:submission_detail", args=[submission.pk])
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": location})


class SubmissionListApi(APIView):
    """Your submissions, newest first, without their results (see the detail endpoint)."""

    output_many = True
    OutputSerializer = SubmissionSerializer

    class FilterSerializer(serializers.Serializer):
        exercise = serializers.SlugField(required=False, help_text="Only this exercise's submissions.")
        limit = serializers.IntegerField(required=False, min_value=1, max_value=200, default=50)

    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        submissions = submissions_of(
            user=request.user,
            exercise_slug=filters.validated_data.get("exercise"),
            limit=filters.validated_data["limit"],
        )
        return Response(self.OutputSerializer(submissions, many=True, context={"request": request}).data)


class FeedbackSerializer(serializers.Serializer):
    """The submission page's feedback (exercises.feedback): hidden tests' messages only when revealed."""

    class CheckSerializer(serializers.Serializer):
        title = serializers.CharField()
        passed = serializers.BooleanField()
        points = serializers.FloatField()
        max_points = serializers.FloatField()
        hint = serializers.CharField()
        lesson_url = serializers.CharField()
        message = serializers.CharField(allow_null=True)
        hidden = serializers.BooleanField()

    class TestSerializer(serializers.Serializer):
        id = serializers.CharField()
        outcome = serializers.CharField()
        message = serializers.CharField()
        duration_ms = serializers.IntegerField(allow_null=True)

    class LintSerializer(serializers.Serializer):
        path = serializers.CharField()
        line = serializers.IntegerField(allow_null=True)
        column = serializers.IntegerField(allow_null=True)
        code = serializers.CharField()
        message = serializers.CharField()

    class CollectionErrorSerializer(serializers.Serializer):
        path = serializers.CharField(allow_null=True)
        line = serializers.IntegerField(allow_null=True)
        message = serializers.CharField()
        stage = serializers.CharField(allow_blank=True)

    class StageSerializer(serializers.Serializer):
        name = serializers.CharField()
        status = serializers.CharField()
        seconds = serializers.FloatField()
        output = serializers.CharField()

    checks = CheckSerializer(many=True)
    failing_tests = TestSerializer(many=True)
    lint = LintSerializer(many=True)
    lint_url = serializers.CharField()
    collection_errors = CollectionErrorSerializer(many=True)
    limit = serializers.DictField(allow_null=True)
    stages = StageSerializer(many=True)
    truncated = serializers.DictField()


class SubmissionDetailApi(APIView):
    class OutputSerializer(SubmissionSerializer):
        started_at = serializers.DateTimeField(allow_null=True)
        error_message = serializers.CharField()
        queue_position = serializers.IntegerField(allow_null=True)
        hidden_details_revealed = serializers.BooleanField()
        feedback = FeedbackSerializer(allow_null=True)

    def get(self, request, pk: int):
        try:
            submission = submission_visible_to(pk=pk, user=request.user)
        except Submission.DoesNotExist:
            raise exceptions.NotFound("You have no submission with this id.") from None
        revealed = request.user.is_instructor or submission.exercise.hidden_details_revealed(timezone.now())
        feedback = feedback_for(submission=submission, show_hidden_details=revealed)
        if feedback is not None:
            absolute = request.build_absolute_uri
            feedback = {
                **vars(feedback),
                "checks": [{**vars(check), "lesson_url": absolute(check.lesson_url)} for check in feedback.checks],
                "lint_url": absolute(feedback.lint_url),
            }
        submission.queue_position = queue_position(submission=submission)
        submission.hidden_details_revealed, submission.feedback = revealed, feedback
        return Response(self.OutputSerializer(submission, context={"request": request}).data)


class SubmissionStatusApi(APIView):
    """Cheap enough to poll every second: two or three small queries, no results."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField(source="pk")
        status = serializers.CharField()
        stage = serializers.CharField(help_text="The runner stage in progress, while running.")
        queue_position = serializers.IntegerField(allow_null=True, help_text="1 = next to be graded.")
        verdict = serializers.CharField()
        score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
        max_score = serializers.IntegerField()
        done = serializers.BooleanField(source="is_terminal")

    def get(self, request, pk: int):
        try:
            submission = submission_status_visible_to(pk=pk, user=request.user)
        except Submission.DoesNotExist:
            raise exceptions.NotFound("You have no submission with this id.") from None
        submission.queue_position = queue_position(submission=submission)
        return Response(self.OutputSerializer(submission).data)
