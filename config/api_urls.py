"""The REST API, mounted at /api/v1/ (docs/api.md)."""

from django.urls import path, re_path
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONOpenAPIRenderer
from rest_framework.schemas import get_schema_view

from accounts import apis as accounts_apis
from config.api import ApiNotFound, ApiSchemaGenerator
from course import apis as course_apis
from exercises import apis as exercises_apis

app_name = "api"

schema_view = get_schema_view(
    title="Django Backend Academy API",
    description="Tokens, the course, exercises and submissions. Errors: {error: {code, message, details}}.",
    version="1",
    url="/api/v1/",
    urlconf="config.api_urls",
    generator_class=ApiSchemaGenerator,
    renderer_classes=[JSONOpenAPIRenderer],
    public=True,
    authentication_classes=[],
    permission_classes=[AllowAny],
)

urlpatterns = [
    path("schema/", schema_view, name="schema"),
    path("auth/tokens/", accounts_apis.TokenListApi.as_view(), name="token_list"),
    path("auth/tokens/create/", accounts_apis.TokenCreateApi.as_view(), name="token_create"),
    path("auth/tokens/<int:token_id>/", accounts_apis.TokenRevokeApi.as_view(), name="token_revoke"),
    path("me/", accounts_apis.MeApi.as_view(), name="me"),
    path("course/", course_apis.CourseDetailApi.as_view(), name="course"),
    path("exercises/", exercises_apis.ExerciseListApi.as_view(), name="exercise_list"),
    path("exercises/<slug:slug>/", exercises_apis.ExerciseDetailApi.as_view(), name="exercise_detail"),
    path("exercises/<slug:slug>/starter/", exercises_apis.StarterDownloadApi.as_view(), name="starter"),
    path("exercises/<slug:slug>/submit/", exercises_apis.SubmissionCreateApi.as_view(), name="submission_create"),
    path("submissions/", exercises_apis.SubmissionListApi.as_view(), name="submission_list"),
    path("submissions/<int:pk>/", exercises_apis.SubmissionDetailApi.as_view(), name="submission_detail"),
    path("submissions/<int:pk>/status/", exercises_apis.SubmissionStatusApi.as_view(), name="submission_status"),
    re_path(r"^[\s\S]*$", ApiNotFound.as_view(), name="not_found"),  # any path, newlines included
]
