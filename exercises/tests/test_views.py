import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from exercises.models import ExerciseProgress, Submission
from exercises.tests.archives import make_zip, tree_members, zip_bomb
from exercises.tests.factories import SubmissionFactory
from tests.probe import PROBE_EXERCISE

pytestmark = pytest.mark.django_db


def stored_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def upload(data: bytes, name: str = "project.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


def test_exercise_page_shows_limits_starter_link_and_form(learner_client, probe_exercise):
    response = learner_client.get(reverse("exercises:detail", args=["probe"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "30 s wall clock · 256 MiB memory · 64 processes" in html
    assert reverse("exercises:starter", args=["probe"]) in html
    assert 'enctype="multipart/form-data"' in html


def test_lesson_page_links_to_its_exercise(learner_client, probe_exercise):
    response = learner_client.get(reverse("course:lesson", args=["probe"]))
    assert f'href="{reverse("exercises:detail", args=["probe"])}"' in response.content.decode()


def test_starter_download_is_the_starter_only(learner_client, probe_exercise):
    response = learner_client.get(reverse("exercises:starter", args=["probe"]))
    assert response["Content-Disposition"] == 'attachment; filename="probe-starter.zip"'
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert sorted(names) == sorted(f"probe/{p}" for p in tree_members(PROBE_EXERCISE / "starter"))
    assert not [n for n in names if "hidden" in n or "solution" in n]
    assert b"# TODO: return twice x" in zipfile.ZipFile(io.BytesIO(response.content)).read("probe/probe/logic.py")


def test_upload_stores_the_archive_and_enqueues_grading_on_commit(
    learner_client, learner, probe_exercise, django_capture_on_commit_callbacks, settings
):
    data = make_zip(tree_members(PROBE_EXERCISE / "solution"))
    with django_capture_on_commit_callbacks() as callbacks:
        response = learner_client.post(reverse("exercises:detail", args=["probe"]), {"archive": upload(data)})
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exercises:submission", args=[submission.pk])
    assert (submission.user, submission.number, submission.status, submission.archive_size) == (
        learner,
        1,
        "queued",
        len(data),
    )
    assert submission.archive_sha256 == hashlib.sha256(data).hexdigest()
    assert submission.archive.read() == data
    assert len(callbacks) == 1  # grade_submission.apply_async, only once the row is committed
    progress = ExerciseProgress.objects.get()  # the instructor matrix sees the attempt at once
    assert (progress.user, progress.best_score, progress.attempts, progress.passed, progress.last_submitted_at) == (
        learner,
        None,
        1,
        False,
        submission.created_at,
    )


def test_second_upload_gets_the_next_number(learner_client, learner, probe_exercise):
    SubmissionFactory(user=learner, exercise=probe_exercise, number=1)
    learner_client.post(reverse("exercises:detail", args=["probe"]), {"archive": upload(make_zip({"manage.py": ""}))})
    assert list(Submission.objects.order_by("number").values_list("number", flat=True)) == [1, 2]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (make_zip({"../escape.py": "x", "manage.py": ""}), "p.zip", "climbs out of the project with"),
        (zip_bomb(40), "bomb.zip", "unpacks to more than 20 MiB"),
        (make_zip({"app.py": ""}), "p.zip", "No manage.py at the top of the archive"),
        (b"hello", "notes.txt", "Upload a .zip or .tar.gz archive of your project."),
    ],
)
def test_refused_upload_explains_and_leaves_no_row_and_no_file(
    learner_client, probe_exercise, settings, data, name, message
):
    before = stored_files(settings.MEDIA_ROOT)
    response = learner_client.post(reverse("exercises:detail", args=["probe"]), {"archive": upload(data, name)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Submission.objects.count() == 0
    assert ExerciseProgress.objects.count() == 0
    assert stored_files(settings.MEDIA_ROOT) == before


def test_a_failed_insert_removes_the_stored_file(learner, probe_exercise, settings, monkeypatch):
    from exercises import services

    def broken_full_clean(self, *args, **kwargs):
        raise RuntimeError("database went away")

    before = stored_files(settings.MEDIA_ROOT)
    monkeypatch.setattr(Submission, "full_clean", broken_full_clean)
    with pytest.raises(RuntimeError):
        services.submission_create(user=learner, exercise=probe_exercise, upload=upload(make_zip({"manage.py": ""})))
    assert Submission.objects.count() == 0
    assert stored_files(settings.MEDIA_ROOT) == before


def test_learners_see_only_their_own_submissions(client, probe_exercise):
    mine, theirs = UserFactory(), UserFactory()
    other = SubmissionFactory(user=theirs, exercise=probe_exercise)
    client.force_login(mine)
    assert client.get(reverse("exercises:submission", args=[other.pk])).status_code == 404
    assert client.get(reverse("exercises:submission_status", args=[other.pk])).status_code == 404
    assert other.archive.name not in client.get(reverse("exercises:detail", args=["probe"])).content.decode()


def test_instructors_see_any_submission(client, instructor, probe_exercise):
    submission = SubmissionFactory(exercise=probe_exercise)
    client.force_login(instructor)
    assert client.get(reverse("exercises:submission", args=[submission.pk])).status_code == 200


def test_status_endpoint_gives_queue_position_in_few_queries(client, probe_exercise, django_assert_num_queries):
    earlier = SubmissionFactory(exercise=probe_exercise)
    running = SubmissionFactory(exercise=probe_exercise, status="running", stage="hidden_tests")
    mine = SubmissionFactory(exercise=probe_exercise)
    client.force_login(mine.user)
    # session, user, instructor check, submission, queue count
    with django_assert_num_queries(5):
        response = client.get(reverse("exercises:submission_status", args=[mine.pk]))
    assert response.json() == {
        "id": mine.pk,
        "status": "queued",
        "stage": "",
        "queue_position": 2,
        "verdict": "",
        "score": None,
        "max_score": 100,
        "done": False,
        "url": reverse("exercises:submission", args=[mine.pk]),
    }
    client.force_login(running.user)
    data = client.get(reverse("exercises:submission_status", args=[running.pk])).json()
    assert (data["status"], data["stage"], data["queue_position"]) == ("running", "hidden_tests", None)
    assert earlier.pk < mine.pk


def test_exercise_page_history_query_count_is_fixed(learner_client, learner, probe_exercise, django_assert_num_queries):
    for number in range(1, 8):
        SubmissionFactory(
            user=learner, exercise=probe_exercise, number=number, status="graded", verdict="failed", score=number * 10
        )
    # session, user, exercise+lesson, submissions, instructor check (nav)
    with django_assert_num_queries(5):
        response = learner_client.get(reverse("exercises:detail", args=["probe"]))
    assert response.context["page"].best_score == 70
    assert 'Best score: <strong data-testid="best-score">70.00</strong> / 100 · 7 attempts' in response.content.decode()


def test_anonymous_users_are_sent_to_log_in(probe_exercise):
    client = Client()
    for url in (reverse("exercises:detail", args=["probe"]), reverse("exercises:starter", args=["probe"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_attempt_limit_refuses_the_next_upload_and_stores_nothing(learner_client, learner, probe_exercise, settings):
    probe_exercise.max_attempts = 2
    probe_exercise.save()
    SubmissionFactory(user=learner, exercise=probe_exercise, number=1)
    SubmissionFactory(user=learner, exercise=probe_exercise, number=2, counts_as_attempt=False)  # a syntax error
    SubmissionFactory(user=learner, exercise=probe_exercise, number=3)
    before = stored_files(settings.MEDIA_ROOT)
    response = learner_client.post(
        reverse("exercises:detail", args=["probe"]), {"archive": upload(make_zip({"manage.py": ""}))}
    )
    assert response.status_code == 400
    assert "You have used all 2 attempts for this exercise." in response.content.decode()
    assert Submission.objects.count() == 3
    assert stored_files(settings.MEDIA_ROOT) == before


def test_cooldown_asks_to_wait(learner_client, learner, probe_exercise):
    probe_exercise.cooldown_seconds = 600
    probe_exercise.save()
    SubmissionFactory(user=learner, exercise=probe_exercise, number=1)
    response = learner_client.post(
        reverse("exercises:detail", args=["probe"]), {"archive": upload(make_zip({"manage.py": ""}))}
    )
    assert response.status_code == 400
    assert "before submitting again (cool-down)." in response.content.decode()
    assert Submission.objects.count() == 1


def test_a_broker_outage_keeps_the_submission_queued_for_the_sweep(learner, probe_exercise, monkeypatch, caplog,
                                                                  django_capture_on_commit_callbacks):
    from exercises.services import submission_create
    from grader.tasks import grade_submission

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(grade_submission, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        submission = submission_create(user=learner, exercise=probe_exercise,
                                       upload=upload(make_zip({"manage.py": ""})))
    assert Submission.objects.get().status == "queued"
    assert f"could not enqueue submission {submission.pk}" in caplog.text


def test_exercise_page_shows_the_policy(learner_client, learner, probe_exercise):
    import datetime

    probe_exercise.due_at = datetime.datetime(2026, 12, 31, 23, 59, tzinfo=datetime.UTC)
    probe_exercise.late_penalty_percent = 20
    probe_exercise.max_attempts = 3
    probe_exercise.cooldown_seconds = 60
    probe_exercise.reveal_hidden = "after_due"
    probe_exercise.save()
    SubmissionFactory(user=learner, exercise=probe_exercise, number=1)
    html = learner_client.get(reverse("exercises:detail", args=["probe"])).content.decode()
    assert "Due 31 Dec 2026 23:59 UTC; late submissions lose 20% of their score" in html
    assert "2 of 3 attempts left; wait 60 s between submissions." in html
    assert "Hidden tests' messages: shown after the due date." in html
