import datetime
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.tests.api import exercise_copy, token_client
from accounts.tests.factories import InstructorFactory, UserFactory
from exercises.models import Submission
from exercises.services import starter_zip
from exercises.tests.archives import make_zip, tree_members
from exercises.tests.factories import SubmissionFactory
from tests.probe import PROBE_EXERCISE

pytestmark = pytest.mark.django_db

HIDDEN_MESSAGE = "assert 21 == 42"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()


@pytest.fixture
def api(learner):
    return token_client(learner)


def error(response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def stored_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def solution_zip() -> SimpleUploadedFile:
    return SimpleUploadedFile("project.zip", make_zip(tree_members(PROBE_EXERCISE / "solution")))


def graded_results() -> dict:
    return {
        "checks": [
            {"key": "learner_tests", "stage": "learner_tests", "title": "Your tests pass", "passed": True,
             "points": 10.0, "max_points": 10.0, "hint": "1 of 1 of your tests passed", "lesson": "testing",
             "anchor": "summary", "visibility": "visible", "message": "1 of 1 of your tests passed"},
            {"key": "tests_hidden/test_hidden.py::test_double_of_21_is_42", "stage": "hidden_tests",
             "title": "double(21) is 42", "passed": False, "points": 0.0, "max_points": 30.0,
             "hint": "Multiply by two.", "lesson": "probe", "anchor": "doubling", "visibility": "hidden",
             "message": HIDDEN_MESSAGE},
        ],
        "tests": [{"id": "probe/tests/test_logic.py::test_x", "stage": "learner_tests", "outcome": "failed",
                   "message": "assert 1 == 2", "duration_ms": 3}],
        "lint": [{"path": "probe/logic.py", "line": 3, "column": 1, "code": "F401",
                  "message": "`os` imported but unused"}],
        "collection_errors": [],
        "stages": [
            {"name": "learner_tests", "status": "failed", "duration_ms": 812, "output": "1 failed"},
            {"name": "hidden_tests", "status": "failed", "duration_ms": 500, "output": HIDDEN_MESSAGE},
        ],
        "truncated": {"tests": False, "lint": False},
        "limit": None,
    }  # fmt: skip


def graded(user, exercise, score: str, **extra) -> Submission:
    return SubmissionFactory(
        user=user, exercise=exercise, status="graded", verdict="failed", score=Decimal(score), **extra
    )


# Exercises


def exercise_row(exercise, **user_part) -> dict:
    return {
        "slug": exercise.slug,
        "title": exercise.title,
        "summary": exercise.summary,
        "lesson": exercise.lesson.slug,
        "lesson_url": f"http://testserver/lessons/{exercise.lesson.slug}/",
        "max_score": 100,
        "django_settings": "probe_site.settings",
        "stages": ["learner_tests", "hidden_tests", "lint", "django_check", "migrations"],
        "rubric": {"learner_tests": 10, "hidden_tests": 60, "lint": 10, "django_check": 10, "migrations": 10},
        "limits": {
            "wall_seconds": exercise.wall_seconds,  # the probe's limits, as its exercise.toml says
            "memory_mb": exercise.memory_mb,
            "pids": exercise.pids,
            "cpus": float(exercise.cpus),
            "output_kb": exercise.output_kb,
        },
        "due_at": None,
        "late_penalty_percent": 0,
        "max_attempts": exercise.max_attempts,
        "cooldown_seconds": 0,
        "reveal_hidden": "never",
        "best_score": None,
        "attempts_used": 0,
        "attempts_left": None,
        "submissions_count": 0,
        "status": "not_started",
        "last_submission_id": None,
        **user_part,
    }


def test_exercise_list_before_any_submission(api, probe_exercise):
    assert api.get(reverse("api:exercise_list")).json() == [exercise_row(probe_exercise)]


def test_exercise_list_with_best_score_attempts_left_and_status(api, learner, probe_exercise):
    limited = exercise_copy(probe_exercise, "limited", max_attempts=3)
    grading = exercise_copy(probe_exercise, "grading")
    graded(learner, probe_exercise, "60.00")
    best = graded(learner, probe_exercise, "100.00")
    graded(UserFactory(), limited, "100.00")  # someone else's
    graded(learner, limited, "40.00")
    free = graded(learner, limited, "0.00", counts_as_attempt=False)  # a syntax error costs no attempt
    queued = SubmissionFactory(user=learner, exercise=grading)
    rows = api.get(reverse("api:exercise_list")).json()
    assert rows == [
        exercise_row(
            probe_exercise, best_score=100.0, attempts_used=2, submissions_count=2, status="passed",
            last_submission_id=best.pk,
        ),
        exercise_row(
            limited, best_score=40.0, attempts_used=1, attempts_left=2, submissions_count=2, status="attempted",
            last_submission_id=free.pk,
        ),
        exercise_row(grading, attempts_used=1, submissions_count=1, status="grading", last_submission_id=queued.pk),
    ]  # fmt: skip


def test_exercise_list_attempts_left_never_negative(api, learner, probe_exercise):
    probe_exercise.max_attempts = 1
    probe_exercise.save()
    graded(learner, probe_exercise, "10.00")
    graded(learner, probe_exercise, "20.00")  # allowed before the limit was lowered
    assert api.get(reverse("api:exercise_list")).json()[0]["attempts_left"] == 0


@pytest.mark.parametrize("extra", [0, 5])
def test_exercise_list_runs_two_queries_however_many_exercises(
    api, learner, probe_exercise, extra, django_assert_num_queries
):
    for n in range(extra):
        exercise = exercise_copy(probe_exercise, f"copy-{n}")
        graded(learner, exercise, "50.00")
    with django_assert_num_queries(2):  # the token, then exercises with the user's aggregates
        response = api.get(reverse("api:exercise_list"))
    assert len(response.json()) == 1 + extra


def test_exercise_detail(api, learner, probe_exercise, django_assert_num_queries):
    first = graded(learner, probe_exercise, "60.00")
    with django_assert_num_queries(3):  # token, exercise, the user's submissions
        response = api.get(reverse("api:exercise_detail", args=["probe"]))
    assert response.json() == exercise_row(
        probe_exercise, best_score=60.0, attempts_used=1, submissions_count=1, status="attempted",
        last_submission_id=first.pk,
    )  # fmt: skip


def test_unknown_or_unpublished_exercise_is_404(api, probe_exercise):
    probe_exercise.is_published = False
    probe_exercise.save()
    assert error(api.get(reverse("api:exercise_detail", args=["probe"]))) == (404, "not_found")
    assert error(api.get(reverse("api:exercise_detail", args=["nope"]))) == (404, "not_found")
    assert api.get(reverse("api:exercise_list")).json() == []


def test_starter_download_is_the_same_zip_as_on_the_site(api, probe_exercise):
    response = api.get(reverse("api:starter", args=["probe"]), HTTP_ACCEPT="application/zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="probe-starter.zip"'
    assert response.content == starter_zip(exercise=probe_exercise)
    assert "probe/manage.py" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()


def test_starter_download_of_an_unknown_exercise_is_a_json_404(api, probe_exercise):
    response = api.get(reverse("api:starter", args=["nope"]), HTTP_ACCEPT="application/zip")
    assert error(response) == (404, "not_found")


# Submitting


def test_submit_stores_queues_and_shows_the_rate_limit(
    api, learner, probe_exercise, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = api.post(reverse("api:submission_create", args=["probe"]), {"archive": solution_zip()})
    submission = Submission.objects.get()
    assert response.status_code == 201
    assert response["Location"] == f"/api/v1/submissions/{submission.pk}/"
    assert (response["X-RateLimit-Limit"], response["X-RateLimit-Remaining"]) == ("10", "9")
    assert 59 <= int(response["X-RateLimit-Reset"]) <= 60
    assert response.json() == {
        "id": submission.pk,
        "number": 1,
        "exercise": "probe",
        "status": "queued",
        "stage": "",
        "verdict": "",
        "score": None,
        "max_score": 100,
        "counts_as_attempt": True,
        "created_at": submission.created_at.isoformat().replace("+00:00", "Z"),
        "finished_at": None,
        "url": f"http://testserver/submissions/{submission.pk}/",
        "queue_position": 1,
    }
    assert (submission.user, submission.exercise, submission.status) == (learner, probe_exercise, "queued")
    assert len(callbacks) == 1  # grading is enqueued once the row is committed


def test_a_refused_archive_gives_the_reason_and_stores_nothing(api, probe_exercise, settings):
    before = stored_files(Path(settings.MEDIA_ROOT))
    data = make_zip({"../escape.py": "x", "manage.py": ""})
    response = api.post(
        reverse("api:submission_create", args=["probe"]), {"archive": SimpleUploadedFile("p.zip", data)}
    )
    assert error(response) == (400, "archive_rejected")
    assert response.json()["error"]["message"] == ("'../escape.py' climbs out of the project with '..'.")
    assert Submission.objects.count() == 0
    assert stored_files(Path(settings.MEDIA_ROOT)) == before


def test_submit_without_an_archive_is_a_validation_error(api, probe_exercise):
    response = api.post(reverse("api:submission_create", args=["probe"]), {}, format="multipart")
    assert error(response) == (400, "validation_error")
    assert response.json()["error"]["details"] == {"archive": ["No file was submitted."]}
    assert Submission.objects.count() == 0


def test_submit_as_json_is_refused(api, probe_exercise):
    response = api.post(reverse("api:submission_create", args=["probe"]), {"archive": "x"}, format="json")
    assert error(response) == (415, "unsupported_media_type")
    assert Submission.objects.count() == 0


def test_submit_to_an_unknown_exercise_is_404(api, probe_exercise):
    response = api.post(reverse("api:submission_create", args=["nope"]), {"archive": solution_zip()})
    assert error(response) == (404, "not_found")
    assert Submission.objects.count() == 0


def test_attempt_limit(api, learner, probe_exercise, settings):
    probe_exercise.max_attempts = 1
    probe_exercise.save()
    graded(learner, probe_exercise, "10.00")
    response = api.post(reverse("api:submission_create", args=["probe"]), {"archive": solution_zip()})
    assert error(response) == (409, "attempt_limit")
    assert response.json()["error"] == {
        "code": "attempt_limit",
        "message": "You have used all 1 attempts for this exercise.",
        "details": {"max_attempts": 1, "cooldown_seconds": 0},
    }
    assert Submission.objects.count() == 1


def test_cooldown(api, learner, probe_exercise):
    probe_exercise.cooldown_seconds = 600
    probe_exercise.save()
    graded(learner, probe_exercise, "10.00")
    response = api.post(reverse("api:submission_create", args=["probe"]), {"archive": solution_zip()})
    assert error(response) == (409, "cooldown")
    assert "cool-down" in response.json()["error"]["message"]
    assert Submission.objects.count() == 1


def test_submissions_are_throttled_per_user(api, learner, probe_exercise, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"submissions": "2/minute"}}
    url = reverse("api:submission_create", args=["probe"])
    first, second = (api.post(url, {"archive": solution_zip()}) for _ in range(2))
    assert [(r.status_code, r["X-RateLimit-Remaining"]) for r in (first, second)] == [(201, "1"), (201, "0")]
    third = api.post(url, {"archive": solution_zip()})
    assert error(third) == (429, "throttled")
    assert (third["X-RateLimit-Limit"], third["X-RateLimit-Remaining"]) == ("2", "0")
    assert 0 < int(third["Retry-After"]) <= 60
    assert third.json()["error"]["details"]["retry_after_seconds"] == int(third["Retry-After"])
    assert Submission.objects.count() == 2
    # Another learner has a budget of their own.
    other = token_client(UserFactory()).post(url, {"archive": solution_zip()})
    assert (other.status_code, other["X-RateLimit-Remaining"]) == (201, "1")


# Reading submissions


def test_submission_list_is_yours_only_and_filters_by_exercise(api, learner, probe_exercise, django_assert_num_queries):
    other_exercise = exercise_copy(probe_exercise, "other")
    mine = [graded(learner, probe_exercise, "60.00"), SubmissionFactory(user=learner, exercise=other_exercise)]
    SubmissionFactory(user=UserFactory(), exercise=probe_exercise)
    with django_assert_num_queries(2):
        rows = api.get(reverse("api:submission_list")).json()
    assert [(r["id"], r["exercise"], r["status"], r["score"]) for r in rows] == [
        (mine[1].pk, "other", "queued", None),
        (mine[0].pk, "probe", "graded", 60.0),
    ]
    filtered = api.get(reverse("api:submission_list"), {"exercise": "probe"}).json()
    assert [r["id"] for r in filtered] == [mine[0].pk]
    assert api.get(reverse("api:submission_list"), {"limit": 1}).json()[0]["id"] == mine[1].pk


def test_submission_list_validates_its_filters(api):
    response = api.get(reverse("api:submission_list"), {"limit": 0, "exercise": "not a slug"})
    assert error(response) == (400, "validation_error")
    assert set(response.json()["error"]["details"]) == {"limit", "exercise"}


def test_submission_detail_hides_hidden_test_messages_from_learners(api, learner, probe_exercise):
    submission = graded(learner, probe_exercise, "10.00", results=graded_results())
    body = api.get(reverse("api:submission_detail", args=[submission.pk])).json()
    assert body["hidden_details_revealed"] is False
    assert body["feedback"]["checks"] == [
        {"title": "Your tests pass", "passed": True, "points": 10.0, "max_points": 10.0,
         "hint": "1 of 1 of your tests passed", "lesson_url": "http://testserver/lessons/testing/#summary",
         "message": "1 of 1 of your tests passed", "hidden": False},
        {"title": "double(21) is 42", "passed": False, "points": 0.0, "max_points": 30.0, "hint": "Multiply by two.",
         "lesson_url": "http://testserver/lessons/probe/#doubling", "message": None, "hidden": True},
    ]  # fmt: skip
    assert body["feedback"]["lint"] == [
        {"path": "probe/logic.py", "line": 3, "column": 1, "code": "F401", "message": "`os` imported but unused"}
    ]
    assert body["feedback"]["failing_tests"] == [
        {"id": "probe/tests/test_logic.py::test_x", "outcome": "failed", "message": "assert 1 == 2", "duration_ms": 3}
    ]
    assert [s["output"] for s in body["feedback"]["stages"]] == ["1 failed", ""]
    assert HIDDEN_MESSAGE not in str(body)


def test_submission_detail_reveals_hidden_messages_when_the_policy_says_so(api, learner, probe_exercise):
    probe_exercise.reveal_hidden = "after_due"
    probe_exercise.due_at = timezone.now() - datetime.timedelta(days=1)
    probe_exercise.save()
    submission = graded(learner, probe_exercise, "10.00", results=graded_results())
    body = api.get(reverse("api:submission_detail", args=[submission.pk])).json()
    assert body["hidden_details_revealed"] is True
    assert body["feedback"]["checks"][1]["message"] == HIDDEN_MESSAGE


def test_instructors_see_anyones_submission_with_hidden_messages(learner, probe_exercise):
    submission = graded(learner, probe_exercise, "10.00", results=graded_results())
    body = token_client(InstructorFactory()).get(reverse("api:submission_detail", args=[submission.pk])).json()
    assert body["feedback"]["checks"][1]["message"] == HIDDEN_MESSAGE


def test_someone_elses_submission_is_a_404_everywhere(api, probe_exercise):
    theirs = graded(UserFactory(), probe_exercise, "10.00", results=graded_results())
    for name in ("api:submission_detail", "api:submission_status"):
        response = api.get(reverse(name, args=[theirs.pk]))
        assert error(response) == (404, "not_found")
        assert HIDDEN_MESSAGE not in response.content.decode()


def test_a_queued_submission_has_no_feedback_yet(api, learner, probe_exercise):
    SubmissionFactory(user=UserFactory(), exercise=probe_exercise)
    submission = SubmissionFactory(user=learner, exercise=probe_exercise)
    body = api.get(reverse("api:submission_detail", args=[submission.pk])).json()
    assert (body["status"], body["queue_position"], body["feedback"]) == ("queued", 2, None)


def test_status_while_queued(api, learner, probe_exercise, django_assert_num_queries):
    SubmissionFactory(user=UserFactory(), exercise=probe_exercise)
    submission = SubmissionFactory(user=learner, exercise=probe_exercise)
    with django_assert_num_queries(3):  # token, submission, the queue ahead of it
        response = api.get(reverse("api:submission_status", args=[submission.pk]))
    assert response.json() == {
        "id": submission.pk,
        "status": "queued",
        "stage": "",
        "queue_position": 2,
        "verdict": "",
        "score": None,
        "max_score": 100,
        "done": False,
    }


def test_status_while_running_and_when_graded(api, learner, probe_exercise, django_assert_num_queries):
    running = SubmissionFactory(user=learner, exercise=probe_exercise, status="running", stage="hidden_tests")
    done = graded(learner, probe_exercise, "60.00", results=graded_results())
    with django_assert_num_queries(2):  # no queue count once it left the queue
        response = api.get(reverse("api:submission_status", args=[running.pk]))
    assert (response.json()["stage"], response.json()["queue_position"], response.json()["done"]) == (
        "hidden_tests",
        None,
        False,
    )
    with django_assert_num_queries(2):
        body = api.get(reverse("api:submission_status", args=[done.pk])).json()
    assert (body["status"], body["verdict"], body["score"], body["done"]) == ("graded", "failed", 60.0, True)
