import csv
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from exercises.curriculum import tree_files
from exercises.models import ExerciseProgress, Submission
from exercises.services import progress_refresh
from exercises.tests.archives import make_zip, tree_members
from exercises.tests.factories import SubmissionFactory
from grader.tests.test_services import install_fake, passing_results
from instructor.models import RegradeBatch, RegradeItem, SubmissionComment
from instructor.selectors import progress_matrix
from instructor.services import regrade_item_run, regrade_publish, regrade_start
from tests.probe import PROBE_EXERCISE

pytestmark = pytest.mark.django_db


def graded(user, exercise, number, score, verdict=None, **extra):
    """A graded submission, summarised as the grader's store step does."""
    submission = SubmissionFactory(
        user=user,
        exercise=exercise,
        number=number,
        status="graded",
        score=score,
        verdict=verdict or ("passed" if score == 100 else "failed"),
        **extra,
    )
    progress_refresh(user_id=user.pk, exercise_id=exercise.pk)
    return submission


@pytest.fixture
def klass(probe_exercise):
    ada, bob, cy = UserFactory(username="ada"), UserFactory(username="bob"), UserFactory(username="cy")
    cohort = Group.objects.create(name="Cohort A")
    ada.groups.add(cohort)
    graded(ada, probe_exercise, 1, 60)
    graded(ada, probe_exercise, 2, 100)
    for n in range(1, 5):  # bob: four attempts and no pass
        graded(bob, probe_exercise, n, 20 + n)
    return {"ada": ada, "bob": bob, "cy": cy, "cohort": cohort, "exercise": probe_exercise}


def test_every_instructor_page_refuses_learners_and_sends_anonymous_users_to_log_in(client, klass, instructor):
    from instructor import urls

    batch = regrade_start(exercise=klass["exercise"], created_by=instructor, scope="latest")
    ada_submission = Submission.objects.filter(user=klass["ada"]).first()
    pages = {
        "matrix": [],
        "attempts": [klass["ada"].pk, "probe"],
        "stats": ["probe"],
        "regrade_new": ["probe"],
        "submissions_csv": ["probe"],
        "review": [ada_submission.pk],
        "regrade": [batch.pk],
        "regrade_progress": [batch.pk],
        "gradebook": [],
    }
    assert sorted(pages) == sorted(pattern.name for pattern in urls.urlpatterns)  # a new page must be listed here
    client.force_login(klass["bob"])
    for name, args in pages.items():
        url = reverse(f"instructor:{name}", args=args)
        anonymous = Client().get(url)
        assert (name, anonymous.status_code, anonymous.get("Location")) == (
            name,
            302,
            f"{reverse('accounts:login')}?next={url}",
        )
        response = client.get(url)
        assert (name, response.status_code) == (name, 403)
        assert b"ada" not in response.content
        assert b"403" in response.content


def test_learners_cannot_review_comment_or_regrade(client, klass):
    submission = Submission.objects.filter(user=klass["ada"]).first()
    client.force_login(klass["bob"])
    for url in (
        reverse("instructor:review", args=[submission.pk]),
        reverse("instructor:attempts", args=[klass["ada"].pk, "probe"]),
    ):
        assert client.get(url).status_code == 403
    assert (
        client.post(reverse("instructor:review", args=[submission.pk]), {"action": "comment", "body": "hi"}).status_code
        == 403
    )
    assert client.post(reverse("instructor:regrade_new", args=["probe"]), {"scope": "latest"}).status_code == 403
    assert SubmissionComment.objects.count() == 0
    assert RegradeBatch.objects.count() == 0


def test_matrix_sorts_struggling_first_in_a_fixed_number_of_queries(
    client, instructor, klass, django_assert_num_queries
):
    client.force_login(instructor)
    # session, user, instructor check, exercises, learner count, one page of learners, their progress rows, cohorts
    with django_assert_num_queries(8):
        response = client.get(reverse("instructor:matrix"))
    rows = response.context["matrix"].rows
    assert [(r.learner.username, r.progress, r.status, r.stuck_attempts) for r in rows] == [
        ("cy", 0, "not_started", 0),
        ("bob", 24, "struggling", 4),
        ("ada", 100, "completed", 0),
    ]
    cell = rows[1].cells[0]
    assert (cell.best, cell.attempts, cell.passed, cell.stuck) == (Decimal("24.00"), 4, False, True)


def test_matrix_query_count_does_not_grow_with_the_class(client, instructor, klass, django_assert_num_queries):
    for n in range(30):
        graded(UserFactory(), klass["exercise"], 1, n)
    client.force_login(instructor)
    with django_assert_num_queries(8):
        client.get(reverse("instructor:matrix"))


def test_matrix_filters_by_cohort_and_status(klass):
    assert [r.learner.username for r in progress_matrix(cohort_id=klass["cohort"].pk).rows] == ["ada"]
    assert [r.learner.username for r in progress_matrix(status="struggling").rows] == ["bob"]
    assert [r.learner.username for r in progress_matrix(status="completed").rows] == ["ada"]
    assert [r.learner.username for r in progress_matrix(status="not_started").rows] == ["cy"]
    assert [r.learner.username for r in progress_matrix(status="in_progress").rows] == []


@pytest.mark.parametrize("status", ["all", "struggling", "completed", "not_started", "in_progress"])
def test_matrix_ranking_compiles_for_sql_server_with_no_subquery_inside_an_aggregate(status):
    """SQL Server refuses a subquery inside an aggregate (error 130); SQLite accepts it, so the
    query is compiled with mssql-django, offline, and each aggregate is read."""
    from grader import mssql_ddl
    from instructor.selectors import _standing, ranked_learners

    connection = mssql_ddl.offline_connection()
    ranked = ranked_learners(cohort_id=1, status=status, exercise_count=15)
    with mssql_ddl.offline(connection):
        page_sql, _ = ranked[0:100].query.get_compiler(connection=connection).as_sql()
    select_list = page_sql.split(" FROM [accounts_user] ", 1)[0]
    annotations = select_list.split("[accounts_user].[email], ", 1)[1]  # after the selected columns
    assert "SELECT" not in annotations
    assert re.findall(r" AS \[(\w+)\]", annotations) == list(_standing())
    assert page_sql.startswith("SELECT TOP 100 ")


def test_matrix_pages_keep_the_struggling_first_order_across_pages(client, instructor, klass, monkeypatch):
    monkeypatch.setattr("instructor.selectors.PAGE_SIZE", 2)
    client.force_login(instructor)
    first = client.get(reverse("instructor:matrix"), {"status": "all"})
    second = client.get(reverse("instructor:matrix"), {"status": "all", "page": 2})
    assert [r.learner.username for r in first.context["matrix"].rows] == ["cy", "bob"]
    assert [r.learner.username for r in second.context["matrix"].rows] == ["ada"]
    html = first.content.decode()
    assert "3 learners (showing 1–2)" in html
    assert 'href="?status=all&amp;page=2"' in html
    # A page number past the end, or not a number, shows the last or the first page.
    for page, expected in ((9, ["ada"]), ("x", ["cy", "bob"])):
        response = client.get(reverse("instructor:matrix"), {"page": page})
        assert [r.learner.username for r in response.context["matrix"].rows] == expected


def test_stats_pass_rate_median_histogram_and_failed_checks(client, instructor, klass):
    ada = klass["ada"]
    Submission.objects.filter(user=ada, number=1).update(
        results={
            "checks": [
                {"key": "k1", "title": "double(21) is 42", "passed": False, "lesson": "probe", "anchor": "doubling"}
            ]
        }
    )
    client.force_login(instructor)
    response = client.get(reverse("instructor:stats", args=["probe"]))
    stats = response.context["stats"]
    assert (stats.attempts, stats.learners, stats.passed_learners, stats.pass_rate) == (6, 2, 1, 50)
    assert stats.median_attempts_to_pass == 2
    assert stats.histogram == [0, 0, 1, 0, 0, 0, 0, 0, 0, 1]
    assert [(c.title, c.failures, c.anchor) for c in stats.failed_checks] == [("double(21) is 42", 1, "doubling")]
    html = response.content.decode()
    assert '<svg class="chart"' in html
    assert 'href="/lessons/probe/#doubling"' in html


def test_review_shows_files_with_notes_at_their_lines_and_hidden_details(client, instructor, probe_exercise):
    members = tree_members(
        PROBE_EXERCISE / "solution", {"probe/logic.py": "import os\n\n\ndef double(x):\n    return x\n"}
    )
    submission = SubmissionFactory(
        exercise=probe_exercise,
        archive=ContentFile(make_zip(members), name="s.zip"),
        status="graded",
        score=40,
        verdict="failed",
        results={
            "lint": [{"path": "probe/logic.py", "line": 1, "column": 8, "code": "F401", "message": "`os` unused"}],
            "tamper_signs": [{"path": "probe/logic.py", "line": 5, "text": "ends the process with os._exit"}],
            "tests": [
                {
                    "id": "probe/tests/test_logic.py::test_double_of_two_is_four",
                    "stage": "learner_tests",
                    "outcome": "failed",
                    "message": "assert 2 == 4",
                    "duration_ms": 1,
                }
            ],
            "checks": [
                {
                    "key": "h",
                    "stage": "hidden_tests",
                    "title": "double(21) is 42",
                    "passed": False,
                    "points": 0.0,
                    "max_points": 30.0,
                    "hint": "x",
                    "lesson": "probe",
                    "anchor": "doubling",
                    "visibility": "hidden",
                    "message": "secret: assert 21 == 42",
                }
            ],
        },
    )
    client.force_login(instructor)
    response = client.get(reverse("instructor:review", args=[submission.pk]) + "?path=probe/logic.py")
    review = response.context["review"]
    assert "probe/tests/test_logic.py" in review.paths
    assert review.file.lines[0]["notes"] == [{"kind": "lint", "text": "F401 `os` unused"}]
    assert review.file.lines[4]["notes"] == [{"kind": "flag", "text": "Flag: ends the process with os._exit"}]
    assert review.notes_by_path["probe/logic.py"] == 2
    assert (
        review.file.lines[0]["html"]
        == '<span class="kn">import</span><span class="w"> </span><span class="nn">os</span>'
    )
    html = response.content.decode()
    assert "secret: assert 21 == 42" in html  # instructors see hidden-test details
    test_file = client.get(reverse("instructor:review", args=[submission.pk]) + "?path=probe/tests/test_logic.py")
    notes = [line["notes"] for line in test_file.context["review"].file.lines if line["notes"]]
    assert notes == [[{"kind": "test", "text": "failed: assert 2 == 4"}]]


def test_comment_is_shown_to_the_learner_and_flag_toggles(client, instructor, learner, probe_exercise):
    submission = graded(learner, probe_exercise, 1, 50, results={"checks": []})
    client.force_login(instructor)
    url = reverse("instructor:review", args=[submission.pk])
    client.post(url, {"action": "comment", "body": "Look at select_related."})
    client.post(url, {"action": "flag", "reason": "calls os._exit"})
    submission.refresh_from_db()
    assert (submission.flagged, submission.flag_reason) == (True, "calls os._exit")
    client.post(url, {"action": "comment", "body": "   "})  # blank: ignored
    assert list(SubmissionComment.objects.values_list("body", "author__username")) == [
        ("Look at select_related.", instructor.username)
    ]
    client.force_login(learner)
    page = client.get(reverse("exercises:submission", args=[submission.pk])).content.decode()
    assert "Look at select_related." in page


@pytest.fixture
def fake_sandbox(monkeypatch):
    return install_fake(monkeypatch)


def test_batch_regrade_shows_before_after_and_publishes_only_on_confirm(
    client, instructor, klass, fake_sandbox, django_capture_on_commit_callbacks
):
    fake_sandbox.results = passing_results(klass["exercise"])
    client.force_login(instructor)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("instructor:regrade_new", args=["probe"]), {"scope": "latest"})
    batch = RegradeBatch.objects.get()
    assert response["Location"] == reverse("instructor:regrade", args=[batch.pk])
    assert len(callbacks) == 1
    latest = {klass["ada"].pk: 2, klass["bob"].pk: 4}
    assert sorted(batch.items.values_list("submission__user_id", "submission__number")) == sorted(latest.items())
    for item in batch.items.all():
        regrade_item_run(item_id=item.pk)
    page = client.get(reverse("instructor:regrade", args=[batch.pk]))
    assert [(i.submission.user.username, i.old_score, i.new_score) for i in page.context["changed"]] == [
        ("bob", Decimal("24.00"), Decimal("100.00"))
    ]
    bob_latest = Submission.objects.get(user=klass["bob"], number=4)
    assert bob_latest.score == Decimal("24.00")  # not published yet
    attempts_before = list(Submission.objects.order_by("pk").values_list("counts_as_attempt", flat=True))
    client.post(reverse("instructor:regrade", args=[batch.pk]), {"action": "publish"})
    bob_latest.refresh_from_db()
    assert (bob_latest.score, bob_latest.verdict, bob_latest.results["regraded"]) == (
        Decimal("100.00"),
        "passed",
        {"batch": batch.pk, "old_score": "24.00"},
    )
    assert list(Submission.objects.order_by("pk").values_list("counts_as_attempt", flat=True)) == attempts_before
    assert Submission.objects.count() == 6  # a regrade never creates an attempt
    # The matrix's summary follows the published score, and the attempts stay as they were.
    assert list(ExerciseProgress.objects.order_by("user__username").values_list(
        "user__username", "best_score", "attempts", "passed")) == [
        ("ada", Decimal("100.00"), 2, True),
        ("bob", Decimal("100.00"), 4, True),
    ]  # fmt: skip


def test_progress_rebuild_matches_the_rows_kept_in_step(klass):
    kept = list(ExerciseProgress.objects.order_by("user_id").values_list(
        "user_id", "exercise_id", "best_score", "attempts", "passed", "last_submitted_at"))  # fmt: skip
    assert len(kept) == 2  # ada and bob; cy never submitted, so has no row
    out = io.StringIO()
    call_command("progress_rebuild", stdout=out)
    assert out.getvalue().strip() == "2 progress rows rebuilt from the submissions."
    assert list(ExerciseProgress.objects.order_by("user_id").values_list(
        "user_id", "exercise_id", "best_score", "attempts", "passed", "last_submitted_at")) == kept  # fmt: skip


def test_single_regrade_publishes_itself(instructor, klass, fake_sandbox):
    fake_sandbox.results = passing_results(klass["exercise"])
    submission = Submission.objects.get(user=klass["bob"], number=1)
    batch = regrade_start(exercise=klass["exercise"], created_by=instructor, scope="single", submission=submission)
    regrade_item_run(item_id=batch.items.get().pk)
    submission.refresh_from_db()
    batch.refresh_from_db()
    assert (submission.score, batch.published_at is not None) == (Decimal("100.00"), True)


def test_a_grader_bug_in_a_regrade_ends_the_item_as_an_error_and_changes_no_score(instructor, klass, fake_sandbox):
    from instructor.tasks import regrade_item

    fake_sandbox.error = KeyError("stages")
    batch = regrade_start(exercise=klass["exercise"], created_by=instructor, scope="latest")
    for item in batch.items.all():
        regrade_item.apply(args=(item.pk,), throw=True)
    assert sorted(batch.items.values_list("status", "error_message")) == [
        ("error", "grader error: KeyError('stages')"),
        ("error", "grader error: KeyError('stages')"),
    ]
    assert regrade_publish(batch=batch) == 0
    assert Submission.objects.get(user=klass["bob"], number=4).score == Decimal("24.00")


def test_discarded_batch_publishes_nothing(instructor, klass, fake_sandbox):
    fake_sandbox.results = passing_results(klass["exercise"])
    batch = regrade_start(exercise=klass["exercise"], created_by=instructor, scope="best")
    for item in batch.items.all():
        regrade_item_run(item_id=item.pk)
    RegradeBatch.objects.filter(pk=batch.pk).update(discarded_at="2026-11-27T12:00:00Z")
    batch.refresh_from_db()
    assert regrade_publish(batch=batch) == 0
    assert Submission.objects.get(user=klass["bob"], number=4).score == Decimal("24.00")
    assert RegradeItem.objects.filter(status="done").count() == 2


def test_gradebook_csv_streams_one_row_per_learner(client, instructor, klass):
    client.force_login(instructor)
    response = client.get(reverse("instructor:gradebook"))
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [
        ["username", "email", "probe", "total", "max_total", "late"],
        ["ada", "ada@example.com", "100.00", "100.00", "100", ""],
        ["bob", "bob@example.com", "24.00", "24.00", "100", ""],
        ["cy", "cy@example.com", "", "0.00", "100", ""],
    ]


def test_submissions_csv_marks_late_attempts(client, instructor, klass):
    exercise = klass["exercise"]
    exercise.due_at = Submission.objects.order_by("created_at").first().created_at
    exercise.save()
    client.force_login(instructor)
    response = client.get(reverse("instructor:submissions_csv", args=["probe"]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 6
    assert [row["late"] for row in rows] == ["False"] + ["True"] * 5
    assert rows[0]["username"] == "ada"


def test_seed_demo_creates_a_realistic_course(capsys, settings):
    import hashlib

    from course.services import curriculum_sync
    from exercises.models import Exercise

    curriculum_sync(root=settings.CURRICULUM_DIR)
    call_command("seed_demo", learners=12, submissions=20)
    demo = Submission.objects.filter(user__username__startswith="demo-")
    assert demo.values("user").distinct().count() == 12
    assert 12 * 5 <= demo.count() <= 12 * 40
    assert Exercise.objects.filter(is_published=True).count() == 15
    assert demo.values("exercise").distinct().count() >= 5
    assert Group.objects.filter(name__startswith="Cohort ").count() == 3
    assert "12 demo learners in 3 cohorts" in capsys.readouterr().out
    # Each attempt holds the exercise's own solution (passed) or starter (failed): regrades are real.
    passed = demo.filter(verdict="passed").select_related("exercise").first()
    failed = demo.filter(verdict="failed").select_related("exercise").first()
    for submission, tree in ((passed, "solution"), (failed, "starter")):
        data = submission.archive.read()
        with zipfile.ZipFile(io.BytesIO(data)) as stored:
            root = settings.BASE_DIR / submission.exercise.source_dir / tree
            assert {name: stored.read(name) for name in stored.namelist()} == {
                str(path.relative_to(root)): path.read_bytes() for path in tree_files(root)
            }
        assert (submission.archive_sha256, submission.archive_size) == (hashlib.sha256(data).hexdigest(), len(data))
    # Progress summaries match the submissions.
    assert ExerciseProgress.objects.count() == demo.values("user", "exercise").distinct().count()
    call_command("seed_demo", learners=3)  # replaces earlier demo data, and the demo archives
    assert Submission.objects.filter(user__username__startswith="demo-").values("user").distinct().count() == 3
    assert len(list((settings.MEDIA_ROOT / "demo").iterdir())) == 2 * 15


def test_deleting_submissions_in_the_admin_recomputes_the_progress_summary(admin_client, klass):
    ada_pass = Submission.objects.get(user=klass["ada"], number=2)
    response = admin_client.post(
        reverse("admin:exercises_submission_changelist"),
        {"action": "delete_selected", "_selected_action": [ada_pass.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Submission.objects.filter(pk=ada_pass.pk).exists()
    progress = ExerciseProgress.objects.get(user=klass["ada"])
    assert (progress.best_score, progress.attempts, progress.passed) == (Decimal("60.00"), 1, False)
    ada_first = Submission.objects.get(user=klass["ada"], number=1)
    admin_client.post(reverse("admin:exercises_submission_delete", args=[ada_first.pk]), {"post": "yes"})
    progress.refresh_from_db()
    summary = (progress.best_score, progress.attempts, progress.passed, progress.last_submitted_at)
    assert summary == (None, 0, False, None)
