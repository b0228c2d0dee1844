"""The grading service with the sandbox swapped at its one seam (grader.services.sandbox)."""

import contextlib
import datetime
import functools
import io
import json
import tarfile
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from exercises.models import ExerciseProgress, Submission
from exercises.tests.archives import make_zip, tree_members
from exercises.tests.factories import SubmissionFactory
from grader import mssql, scoring, services, tasks
from grader.sandbox import SandboxRun, SandboxUnavailable
from tests.probe import PROBE_EXERCISE

pytestmark = pytest.mark.django_db


class FakeSandbox:
    """Records what it was given and answers like the runner, for the stages and hidden ids that
    the payload's manifest asks for: stage events, then results of the schema the host reads.

    `results` are canned results keyed by the exercise's check ids; the hidden run's random
    test names are mapped to them through the run's suite (grader.twins), which the `fake`
    fixture captures. A twin fails, as under honest code, unless `forge_twins` is set."""

    def __init__(self, results=None, error=None, forge_twins=False):
        self.results, self.error, self.forge_twins, self.calls = results, error, forge_twins, []
        self.suite = None

    def run(self, *, payload, limits, labels, on_event):
        self.calls.append({"payload": payload, "limits": limits, "labels": labels})
        if self.error:
            raise self.error
        with tarfile.open(fileobj=io.BytesIO(payload), mode="r:gz") as archive:
            manifest = json.load(archive.extractfile("manifest.json"))
        for stage in manifest["stages"]:
            on_event({"event": "stage", "stage": stage, "state": "started"})
        return SandboxRun(
            image_id="sha256:abc", results=self.answer(manifest), stages_started=manifest["stages"], duration_ms=1234
        )

    def answer(self, manifest):
        if self.results is None:
            return None
        raw = {**self.results, "stages": [s for s in self.results["stages"] if s["name"] in manifest["stages"]]}
        canned = {t["id"]: t for t in self.results["tests"] if t["stage"] == "hidden_tests"}
        tests = [
            t
            for t in self.results["tests"]
            if t["stage"] != "hidden_tests" and "hidden_tests" not in manifest["stages"]
        ]
        for run_id in manifest["hidden_ids"]:
            if run_id in self.suite.real and self.suite.real[run_id] in canned:
                tests.append({**canned[self.suite.real[run_id]], "id": run_id})
            elif run_id in self.suite.twins:
                outcome = "passed" if self.forge_twins else "failed"
                tests.append(
                    {"id": run_id, "stage": "hidden_tests", "outcome": outcome, "message": "", "duration_ms": 1}
                )
        return {**raw, "tests": tests}


def stage_entry(name, status="passed", exit_code=0):
    return {"name": name, "status": status, "exit_code": exit_code, "duration_ms": 10, "output": "",
            "output_truncated": False, "current_test": None}  # fmt: skip


def passing_results(exercise):
    stages = [stage_entry(n) for n in exercise.rubric]
    tests = [
        {
            "id": "probe/tests/test_logic.py::test_double_of_two_is_four",
            "stage": "learner_tests",
            "outcome": "passed",
            "message": "",
            "duration_ms": 1,
        }
    ]
    tests += [
        {"id": t["id"], "stage": "hidden_tests", "outcome": "passed", "message": "", "duration_ms": 1}
        for t in exercise.hidden_tests
    ]
    return {"schema": scoring.RESULTS_SCHEMA, "stages": stages, "tests": tests, "lint": [], "collection_errors": [],
            "truncated": {}}  # fmt: skip


@pytest.fixture
def submission(probe_exercise):
    from django.core.files.base import ContentFile

    data = make_zip(tree_members(PROBE_EXERCISE / "solution"))
    return SubmissionFactory(exercise=probe_exercise, archive=ContentFile(data, name="solution.zip"))


def install_fake(monkeypatch, cls=None, **kwargs) -> FakeSandbox:
    """Swap the Docker seam for a fake that sees each run's hidden suite."""
    sandbox = (cls or FakeSandbox)(**kwargs)
    monkeypatch.setattr(services, "sandbox", lambda: sandbox)
    build = services.hidden_suite

    def capture(exercise):
        sandbox.suite = build(exercise)
        return sandbox.suite

    monkeypatch.setattr(services, "hidden_suite", capture)
    return sandbox


@pytest.fixture
def fake(monkeypatch):
    return functools.partial(install_fake, monkeypatch)


def test_grade_stores_verdict_score_and_image(submission, fake):
    sandbox = fake(results=passing_results(submission.exercise))
    services.submission_grade(submission_id=submission.pk)
    submission.refresh_from_db()
    assert (submission.status, submission.verdict, str(submission.score), submission.image_id) == (
        "graded",
        "passed",
        "100.00",
        "sha256:abc",
    )
    assert submission.stage == ""
    assert submission.finished_at is not None
    assert submission.results["duration_ms"] == 1234
    assert (submission.flagged, submission.flag_reason, "tamper_signs" in submission.results) == (False, "", False)
    progress = ExerciseProgress.objects.get(user=submission.user, exercise=submission.exercise)
    assert (progress.best_score, progress.attempts, progress.passed) == (Decimal("100.00"), 1, True)
    # Two fresh containers: the learner-visible stages, and the hidden tests on their own.
    assert sorted(
        (call["labels"] for call in sandbox.calls), key=lambda labels: labels["academy.part"] != "visible"
    ) == [
        {"academy.submission": str(submission.pk), "academy.part": "visible"},
        {"academy.submission": str(submission.pk), "academy.part": "hidden"},
    ]
    assert submission.results["twins"] == {"pairs": 2, "untwinned": 0, "forged": []}
    assert (submission.held, progress.held) == (False, False)
    limits = sandbox.calls[-1]["limits"]
    assert (limits.wall_seconds, limits.memory_mb, limits.pids, limits.cpus) == (30, 256, 64, 1.0)


def test_code_that_reaches_for_pytest_internals_is_flagged_for_review_at_its_line(probe_exercise, fake):
    from django.core.files.base import ContentFile

    forged = "from _pytest import reports\n\n\ndef double(x: int) -> int:\n    return x\n"
    data = make_zip(tree_members(PROBE_EXERCISE / "solution", {"probe/logic.py": forged}))
    submission = SubmissionFactory(exercise=probe_exercise, archive=ContentFile(data, name="forged.zip"))
    fake(results=passing_results(probe_exercise))  # what a forged report looks like: all passed
    services.submission_grade(submission_id=submission.pk)
    submission.refresh_from_db()
    # The score stands (a sign can be innocent); an instructor reviews it.
    assert (submission.verdict, str(submission.score), submission.flagged) == ("passed", "100.00", True)
    assert submission.flag_reason == "Learner code imports _pytest, pytest's own machinery (probe/logic.py:1)."
    assert submission.results["tamper_signs"] == [
        {"path": "probe/logic.py", "line": 1, "text": "imports _pytest, pytest's own machinery"}
    ]


def test_payload_holds_manifest_then_learner_files_and_hidden_tests_apart(submission):
    visible = services.payload_build(submission=submission, stages=["learner_tests", "lint"])
    with tarfile.open(fileobj=io.BytesIO(visible), mode="r:gz") as archive:
        names = archive.getnames()
        manifest = json.load(archive.extractfile("manifest.json"))
    assert names[0] == "manifest.json"
    assert "learner/manage.py" in names
    assert "learner/probe/logic.py" in names
    assert [n for n in names if not n.startswith("learner/")] == ["manifest.json"]  # no hidden file at all
    assert manifest == {
        "schema": scoring.RESULTS_SCHEMA,
        "django_settings": "probe_site.settings",
        "stages": ["learner_tests", "lint"],
        "hidden_ids": [],
        "deadline_seconds": 25,
        "output_limit_bytes": 65536,
        "env": {"DATABASE_ENGINE": "sqlite"},
    }

    suite = services.hidden_suite(submission.exercise)
    hidden = services.payload_build(submission=submission, stages=["hidden_tests"], hidden=suite)
    with tarfile.open(fileobj=io.BytesIO(hidden), mode="r:gz") as archive:
        names = archive.getnames()
        manifest = json.load(archive.extractfile("manifest.json"))
        source = archive.extractfile("hidden/tests_hidden/test_hidden.py").read().decode()
    assert [n for n in names if n.startswith("hidden/")] == [
        "hidden/tests_hidden/__init__.py",
        "hidden/tests_hidden/test_hidden.py",
    ]
    assert (manifest["stages"], sorted(manifest["hidden_ids"])) == (
        ["hidden_tests"],
        sorted([*suite.real, *suite.twins]),
    )
    # The exercise's test names never reach the sandbox: each run has its own random names.
    assert sorted(suite.real.values()) == [
        "tests_hidden/test_hidden.py::test_double_of_21_is_42",
        "tests_hidden/test_hidden.py::test_item_round_trips_through_the_database",
    ]
    assert "test_double_of_21_is_42" not in source
    assert source.count("def test_") == 4


@pytest.fixture
def mutation_submission(db, tmp_path):
    """The probe exercise with a mutation stage: one mutant of probe/logic.py."""
    import shutil

    from django.core.files.base import ContentFile

    from course.services import curriculum_sync
    from exercises.models import Exercise
    from tests.probe import PROBE_CURRICULUM

    root = tmp_path / "curriculum"
    shutil.copytree(PROBE_CURRICULUM, root, ignore=shutil.ignore_patterns("__pycache__", ".ruff_cache"))
    exercise_root = root / "01-probe" / "exercise"
    toml = exercise_root / "exercise.toml"
    toml.write_text(toml.read_text().replace("lint = 10", "lint = 0") + "\n[mutation]\npoints = 10\n")
    mutant = exercise_root / "mutants" / "adds-instead"
    (mutant / "probe").mkdir(parents=True)
    (mutant / "probe" / "logic.py").write_text("def double(x: int) -> int:\n    return x + 2\n")
    (mutant / "mutant.toml").write_text('description = "double adds two"\nanchor = "doubling"\n')
    curriculum_sync(root=root)
    exercise = Exercise.objects.select_related("lesson").get(slug="probe")
    data = make_zip(tree_members(exercise_root / "solution"))
    return SubmissionFactory(exercise=exercise, archive=ContentFile(data, name="solution.zip"))


def test_payload_with_mutants_holds_the_reference_app_and_the_overlays(mutation_submission):
    stages = ["learner_tests", "django_check", "migrations", "mutation"]
    payload = services.payload_build(submission=mutation_submission, stages=stages)
    with tarfile.open(fileobj=io.BytesIO(payload), mode="r:gz") as archive:
        names = archive.getnames()
        manifest = json.load(archive.extractfile("manifest.json"))
        mutant = archive.extractfile("mutants/adds-instead/probe/logic.py").read()
    assert manifest["stages"] == stages
    assert manifest["mutants"] == ["adds-instead"]
    assert mutant == b"def double(x: int) -> int:\n    return x + 2\n"
    reference = sorted(n.removeprefix("reference/") for n in names if n.startswith("reference/"))
    assert reference == [
        "manage.py",
        "probe/__init__.py",
        "probe/logic.py",
        "probe/migrations/0001_initial.py",
        "probe/migrations/__init__.py",
        "probe/models.py",
        "probe_site/__init__.py",
        "probe_site/settings.py",
    ]  # no tests and no pytest.ini: those are the learner's
    assert [n for n in names if n.startswith("mutants/")] == ["mutants/adds-instead/probe/logic.py"]


def test_grading_with_mutants_scores_each_mutant(mutation_submission, fake):
    raw = passing_results(mutation_submission.exercise)
    raw["mutants"] = [{"name": "adds-instead", "caught": True, "failing_tests": ["t.py::test_x"], "detail": ""}]
    raw["mutation_reference"] = {"status": "passed", "tests": 1, "failing_tests": [], "detail": ""}
    fake(results=raw)
    services.submission_grade(submission_id=mutation_submission.pk)
    mutation_submission.refresh_from_db()
    check = next(c for c in mutation_submission.results["checks"] if c["key"] == "mutant:adds-instead")
    assert (check["title"], check["points"], check["anchor"]) == ("Catches: double adds two", 10.0, "doubling")
    assert mutation_submission.score == 100


def test_stage_events_update_the_row_live(submission, fake, monkeypatch):
    seen = []
    sandbox = fake(results=passing_results(submission.exercise))
    original = sandbox.run

    def spy(**kwargs):
        if kwargs["labels"]["academy.part"] == "hidden":
            return original(**kwargs)  # the hidden run reports no live stages (and runs in a thread)
        on_event = kwargs["on_event"]

        def recording(event):
            on_event(event)
            seen.append(Submission.objects.values_list("status", "stage").get(pk=submission.pk))

        return original(**{**kwargs, "on_event": recording})

    sandbox.run = spy
    services.submission_grade(submission_id=submission.pk)
    # The visible run's stages as they start; then the hidden run, if it is still going.
    assert seen == [("running", "learner_tests"), ("running", "lint"), ("running", "django_check"),
                    ("running", "migrations")]  # fmt: skip
    assert Submission.objects.get(pk=submission.pk).status == "graded"


@pytest.mark.parametrize("status", ["graded", "error"])
def test_terminal_submissions_are_never_graded_again(submission, fake, status):
    Submission.objects.filter(pk=submission.pk).update(status=status, verdict="passed", score=50)
    sandbox = fake(results={})
    assert services.submission_grade(submission_id=submission.pk) is None
    assert sandbox.calls == []
    assert Submission.objects.get(pk=submission.pk).score == 50


def test_a_submission_another_worker_is_running_is_skipped(submission, fake):
    Submission.objects.filter(pk=submission.pk).update(status="running", started_at=timezone.now())
    sandbox = fake(results={})
    assert services.submission_grade(submission_id=submission.pk) is None
    assert sandbox.calls == []


def test_a_stuck_running_submission_is_taken_over(submission, fake):
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    Submission.objects.filter(pk=submission.pk).update(status="running", started_at=long_ago)
    fake(results=passing_results(submission.exercise))
    services.submission_grade(submission_id=submission.pk)
    assert Submission.objects.get(pk=submission.pk).status == "graded"


def test_missing_submission_is_a_quiet_no_op(db, fake):
    sandbox = fake(results={})
    assert services.submission_grade(submission_id=999_999) is None
    assert sandbox.calls == []


def test_infrastructure_fault_requeues_then_gives_up_without_costing_an_attempt(submission, fake):
    fake(error=SandboxUnavailable("the Docker daemon is not reachable"))
    with pytest.raises(SandboxUnavailable):
        services.submission_grade(submission_id=submission.pk)
    services.submission_infra_failed(submission_id=submission.pk, reason="down", final=False)
    submission.refresh_from_db()
    assert (submission.status, submission.infra_retries, submission.counts_as_attempt) == ("queued", 1, True)
    services.submission_infra_failed(submission_id=submission.pk, reason="down", final=True)
    submission.refresh_from_db()
    assert (submission.status, submission.verdict, submission.infra_retries, submission.counts_as_attempt) == (
        "error",
        "infra_error",
        2,
        False,
    )
    assert "not counted as an attempt" in submission.error_message
    progress = ExerciseProgress.objects.get(user=submission.user, exercise=submission.exercise)
    assert (progress.best_score, progress.attempts, progress.passed) == (None, 0, False)


def test_task_retries_only_infrastructure_faults(submission, fake, monkeypatch):
    from celery.exceptions import Retry

    fake(error=SandboxUnavailable("image missing"))
    with pytest.raises(Retry):
        tasks.grade_submission.apply(args=(submission.pk,), throw=True)
    assert Submission.objects.get(pk=submission.pk).status == "queued"


def test_task_does_not_retry_a_learners_failing_code(submission, fake):
    results = passing_results(submission.exercise)
    for test in results["tests"]:
        test["outcome"] = "failed"
    fake(results=results)
    tasks.grade_submission.apply(args=(submission.pk,), throw=True)
    submission.refresh_from_db()
    assert (submission.status, submission.verdict, submission.infra_retries) == ("graded", "failed", 0)


def test_a_grader_bug_ends_the_submission_at_once_without_costing_an_attempt(submission, fake, caplog):
    fake(error=KeyError("stages"))  # not SandboxUnavailable: a fault in our code, not an outage
    tasks.grade_submission.apply(args=(submission.pk,), throw=True)  # no retry is scheduled
    submission.refresh_from_db()
    assert (submission.status, submission.verdict, submission.counts_as_attempt, submission.infra_retries) == (
        "error",
        "infra_error",
        False,
        1,
    )
    assert submission.error_message == tasks.GRADER_ERROR_MESSAGE
    assert f"grading submission {submission.pk} failed with an unexpected error" in caplog.text
    assert "KeyError: 'stages'" in caplog.text  # the traceback is in the log for the team
    progress = ExerciseProgress.objects.get(user=submission.user, exercise=submission.exercise)
    assert (progress.attempts, progress.best_score) == (0, None)


def test_changed_exercise_on_disk_is_an_infrastructure_fault(submission):
    submission.exercise.content_hash = "f" * 64
    submission.exercise.save()
    with pytest.raises(SandboxUnavailable, match="changed on disk since the last sync_curriculum"):
        services.payload_build(submission=submission, stages=["lint"])


def test_sweep_finds_stuck_queued_and_running_submissions(probe_exercise, settings):
    now = timezone.now()
    SubmissionFactory(exercise=probe_exercise)  # fresh: queued a moment ago
    old_queued = SubmissionFactory(exercise=probe_exercise)
    Submission.objects.filter(pk=old_queued.pk).update(created_at=now - datetime.timedelta(hours=2))
    SubmissionFactory(exercise=probe_exercise, status="running", started_at=now)  # running, in time
    running_stuck = SubmissionFactory(
        exercise=probe_exercise, status="running", started_at=now - datetime.timedelta(seconds=30 + 121)
    )
    assert sorted(services.submissions_stuck(now=now)) == sorted([old_queued.pk, running_stuck.pk])


class FakeMssqlSandbox(FakeSandbox):
    """The Docker seam, also answering for the run's internal network."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.networks = []

    @contextlib.contextmanager
    def mssql_network(self, run_id, *, mssql_container):
        self.networks.append(("created", run_id, mssql_container))
        try:
            yield f"academy-run-{run_id}"
        finally:
            self.networks.append(("removed", run_id, mssql_container))

    def run(self, *, network=None, **kwargs):
        self.calls_network = network
        return super().run(**kwargs)


@pytest.fixture
def sql_server(settings, monkeypatch):
    """Grading against SQL Server with the admin connection swapped for a recorder."""
    settings.GRADER_MSSQL_HOST = "mssql"
    settings.GRADER_MSSQL_ADMIN_USER = "sa"
    settings.GRADER_MSSQL_ADMIN_PASSWORD = "Admin-Pass-123"
    executed = []

    @contextlib.contextmanager
    def recorder(config):
        yield executed.append

    monkeypatch.setattr(mssql, "admin_executor", recorder)
    return executed


def test_sql_server_run_gets_its_own_database_login_and_network(submission, fake, sql_server):
    sandbox = fake(cls=FakeMssqlSandbox, results=passing_results(submission.exercise))
    services.submission_grade(submission_id=submission.pk)

    with tarfile.open(fileobj=io.BytesIO(sandbox.calls[0]["payload"]), mode="r:gz") as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
    env = manifest["env"]
    run_id = sandbox.networks[0][1]
    assert run_id.startswith(f"{submission.pk}_")
    assert (env["DATABASE_ENGINE"], env["DATABASE_HOST"], env["DATABASE_PORT"]) == ("mssql", "mssql", "1433")
    assert env["DATABASE_NAME"] == env["DATABASE_USER"] == f"academy_run_{run_id}".lower()
    assert "Admin-Pass-123" not in json.dumps(manifest)  # only this run's own login reaches the sandbox
    assert sandbox.calls_network == f"academy-run-{run_id}"
    assert sandbox.networks == [("created", run_id, "mssql"), ("removed", run_id, "mssql")]
    creates = [sql for sql in sql_server if "CREATE" in sql]
    drops = [sql for sql in sql_server if "DROP" in sql]
    assert creates
    assert drops
    assert sql_server.index(creates[0]) < sql_server.index(drops[0])
    assert Submission.objects.get(pk=submission.pk).verdict == "passed"


def test_sql_server_database_is_dropped_even_when_the_run_fails(submission, fake, sql_server):
    sandbox = fake(cls=FakeMssqlSandbox, error=SandboxUnavailable("the Docker daemon is not reachable"))
    with pytest.raises(SandboxUnavailable):
        services.submission_grade(submission_id=submission.pk)
    assert any("DROP LOGIN" in sql for sql in sql_server)
    assert sandbox.networks[-1][0] == "removed"


def test_sweep_requeues_stuck_submissions_and_gives_up_after_the_retry_limit(probe_exercise, monkeypatch):
    enqueued = []
    monkeypatch.setattr(tasks.grade_submission, "apply_async", lambda args, queue: enqueued.append((args, queue)))
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    fresh_stuck = SubmissionFactory(exercise=probe_exercise, status="running", started_at=long_ago)
    hopeless = SubmissionFactory(
        exercise=probe_exercise, status="running", started_at=long_ago, infra_retries=tasks.MAX_INFRA_RETRIES
    )
    assert tasks.sweep_stuck_submissions() == 2
    assert enqueued == [((fresh_stuck.pk,), "grading")]
    fresh_stuck.refresh_from_db()
    hopeless.refresh_from_db()
    assert (fresh_stuck.status, fresh_stuck.infra_retries) == ("queued", 1)
    assert (hopeless.status, hopeless.verdict, hopeless.counts_as_attempt) == ("error", "infra_error", False)


def test_sql_server_runs_share_the_database_one_after_the_other(submission, fake, sql_server):
    sandbox = fake(cls=FakeMssqlSandbox, results=passing_results(submission.exercise))
    services.submission_grade(submission_id=submission.pk)
    assert [call["labels"]["academy.part"] for call in sandbox.calls] == ["visible", "hidden"]
    assert len(sandbox.networks) == 2  # one network, created and removed once


def test_a_forged_hidden_report_is_held_for_review_and_counts_for_nothing(submission, fake, client):
    # Every hidden test and its opposite twin passed: what a blanket forger produces.
    fake(results=passing_results(submission.exercise), forge_twins=True)
    services.submission_grade(submission_id=submission.pk)
    submission.refresh_from_db()
    assert (submission.held, submission.flagged, submission.verdict, str(submission.score)) == (
        True, True, "passed", "100.00"
    )  # fmt: skip
    assert submission.flag_reason == (
        "2 hidden tests passed together with their opposite twin: the hidden-test report was forged."
    )
    assert sorted(submission.results["twins"]["forged"]) == sorted(t["id"] for t in submission.exercise.hidden_tests)
    progress = ExerciseProgress.objects.get(user=submission.user, exercise=submission.exercise)
    assert (progress.best_score, progress.passed, progress.attempts, progress.held) == (None, False, 1, True)

    client.force_login(submission.user)
    page = client.get(reverse("exercises:submission", args=[submission.pk]))
    assert b"Held for review" in page.content
    assert b"100.00" not in page.content
    status = client.get(reverse("exercises:submission_status", args=[submission.pk])).json()
    assert (status["verdict"], status["score"]) == ("held_for_review", None)


def test_an_instructor_releases_a_held_submission(submission, fake):
    from instructor.services import submission_release

    fake(results=passing_results(submission.exercise), forge_twins=True)
    services.submission_grade(submission_id=submission.pk)
    submission_release(submission=Submission.objects.get(pk=submission.pk))
    progress = ExerciseProgress.objects.get(user=submission.user, exercise=submission.exercise)
    assert (Submission.objects.get(pk=submission.pk).held, progress.best_score, progress.held) == (
        False, Decimal("100.00"), False
    )  # fmt: skip


def test_a_sandbox_killed_from_outside_is_retried_and_never_flagged(submission, fake):
    fake(results=None)  # no results, no timeout, no memory or output limit: docker kill, the host's OOM killer
    with pytest.raises(SandboxUnavailable, match="without results and without hitting a limit"):
        services.submission_grade(submission_id=submission.pk)
    submission.refresh_from_db()
    assert (submission.status, submission.flagged, submission.flag_reason) == ("running", False, "")


def test_a_grading_image_of_another_results_schema_is_an_uncounted_infrastructure_error(submission, fake):
    fake(results={**passing_results(submission.exercise), "schema": 1})
    services.submission_grade(submission_id=submission.pk)
    submission.refresh_from_db()
    assert (submission.status, submission.verdict, submission.counts_as_attempt, submission.score) == (
        "error", "infra_error", False, None
    )  # fmt: skip
    assert submission.error_message.startswith("The grading image speaks results schema 1, not 2")


def test_rewritten_outcomes_of_the_learners_own_tests_earn_nothing(submission, fake):
    results = passing_results(submission.exercise)
    results["integrity"] = [{"stage": "learner_tests", "problem": "a test that must fail was reported passed"}]
    fake(results=results)
    services.submission_grade(submission_id=submission.pk)
    submission.refresh_from_db()
    own = next(c for c in submission.results["checks"] if c["key"] == "learner_tests")
    assert (own["points"], submission.score, submission.flagged, submission.held) == (
        0.0,
        Decimal("90.00"),
        True,
        False,
    )
    assert submission.flag_reason == "learner_tests: a test that must fail was reported passed."


def test_a_regrade_replaces_a_stale_error_and_flags_what_it_finds(submission, fake, instructor):
    from instructor.models import RegradeBatch
    from instructor.services import regrade_item_run, regrade_start

    Submission.objects.filter(pk=submission.pk).update(
        status="error", verdict="infra_error", counts_as_attempt=False, error_message=services.INFRA_ERROR_MESSAGE,
        finished_at=timezone.now() - datetime.timedelta(days=1),
    )  # fmt: skip
    fake(results=passing_results(submission.exercise), forge_twins=True)
    batch = regrade_start(exercise=submission.exercise, created_by=instructor,
                          scope=RegradeBatch.Scope.SINGLE, submission=submission)  # fmt: skip
    for item in batch.items.all():
        regrade_item_run(item_id=item.pk)  # a single regrade publishes itself when done
    submission.refresh_from_db()
    assert (submission.status, submission.verdict, submission.error_message) == ("graded", "passed", "")
    assert (submission.flagged, submission.held, submission.counts_as_attempt) == (True, True, False)
    assert submission.finished_at > timezone.now() - datetime.timedelta(minutes=1)


def test_a_locked_database_during_live_stages_does_not_cost_the_grading(submission, fake, monkeypatch):
    from django.db import OperationalError
    from django.db.models import QuerySet

    original = QuerySet.update

    def update(self, **kwargs):
        if set(kwargs) == {"stage"}:
            raise OperationalError("database is locked")
        return original(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update)
    fake(results=passing_results(submission.exercise))
    services.submission_grade(submission_id=submission.pk)
    submission.refresh_from_db()
    assert (submission.status, submission.verdict, str(submission.score), submission.stage) == (
        "graded", "passed", "100.00", ""
    )  # fmt: skip
