"""Grading one submission: lock, run in the sandbox, score, store. Safe to run twice."""

import datetime
import io
import json
import logging
import secrets
import tarfile
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from exercises.archive import ArchiveContents, archive_read
from exercises.curriculum import is_test_path, mutants_read, tree_files, tree_hash
from exercises.models import Exercise, Submission
from exercises.services import exercise_dir, progress_refresh
from grader import mssql, scoring, tamper
from grader.sandbox import DockerSandbox, SandboxLimits, SandboxUnavailable

logger = logging.getLogger(__name__)

Status = Submission.Status
# Time the runner keeps for itself before the container's wall clock: to stop a stage, say
# which one overran, and still print results.
RUNNER_RESERVE_SECONDS = 5
# Results are JSON lines on stdout: room for the events and the results object.
PROTOCOL_OUTPUT_BYTES = 4 * 1024 * 1024


def sandbox() -> DockerSandbox:
    """The seam unit tests swap; integration tests never do."""
    return DockerSandbox(image=settings.GRADER_IMAGE, instance=settings.GRADER_INSTANCE)


def running_deadline(exercise: Exercise) -> datetime.timedelta:
    """How long a RUNNING row may stay so before it counts as stuck."""
    return datetime.timedelta(seconds=exercise.wall_seconds + settings.GRADER_STUCK_GRACE_SECONDS)


def _tar_add(archive: tarfile.TarFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), mode, 0
    archive.addfile(info, io.BytesIO(data))


def submission_contents(submission: Submission) -> ArchiveContents:
    with submission.archive.open("rb") as stored:
        return archive_read(stored.read(), submission.archive.name)


def payload_build(
    *, submission: Submission, env: dict[str, str] | None = None, contents: ArchiveContents | None = None
) -> bytes:
    """The gzipped tar stream the runner reads on stdin: manifest, learner files, hidden tests;
    with a mutation stage also the solution's app files (reference/) and the mutants' overlays."""
    exercise = submission.exercise
    root = exercise_dir(exercise)
    if tree_hash(root) != exercise.content_hash:
        raise SandboxUnavailable(f"{exercise.source_dir} changed on disk since the last sync_curriculum")
    contents = contents or submission_contents(submission)
    manifest = {
        "schema": 1,
        "django_settings": exercise.django_settings,
        "stages": [stage for stage, points in exercise.rubric.items() if points > 0],
        "hidden_ids": [test["id"] for test in exercise.hidden_tests],
        "deadline_seconds": max(1, exercise.wall_seconds - RUNNER_RESERVE_SECONDS),
        "output_limit_bytes": exercise.output_kb * 1024,
        # The exercise's settings read their database from these: SQLite unless this run has
        # its own SQL Server database and login (grader.mssql).
        "env": env or {"DATABASE_ENGINE": "sqlite"},
    }
    mutants = [m.name for m in mutants_read(root)] if exercise.rubric.get("mutation") else []
    if mutants:
        manifest["mutants"] = mutants
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as archive:
        _tar_add(archive, "manifest.json", json.dumps(manifest).encode())
        for member in contents.members:
            _tar_add(archive, f"learner/{member.path}", member.data, 0o755 if member.executable else 0o644)
        hidden_root = root / "hidden_tests"
        for path in tree_files(hidden_root) if hidden_root.is_dir() else []:
            _tar_add(archive, f"hidden/{path.relative_to(hidden_root).as_posix()}", path.read_bytes())
        if mutants:
            solution = root / "solution"
            for path in tree_files(solution):
                rel = path.relative_to(solution).as_posix()
                if not is_test_path(rel) and rel != "db.sqlite3":
                    _tar_add(archive, f"reference/{rel}", path.read_bytes())
            for name in mutants:
                folder = root / "mutants" / name
                for path in tree_files(folder):
                    if path.name != "mutant.toml" or path.parent != folder:
                        _tar_add(archive, f"mutants/{name}/{path.relative_to(folder).as_posix()}", path.read_bytes())
    return buffer.getvalue()


def _claim(submission_id: int) -> Submission | None:
    """Lock the row and mark it RUNNING, or return None when there is nothing to do."""
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update().select_related("exercise", "exercise__lesson")
            .filter(pk=submission_id).first()
        )  # fmt: skip
        if submission is None or submission.is_terminal:
            return None
        now = timezone.now()
        if (
            submission.status == Status.RUNNING
            and submission.started_at
            and now - submission.started_at < running_deadline(submission.exercise)
        ):
            return None  # another worker is grading it right now
        submission.status, submission.stage, submission.started_at = Status.RUNNING, "starting", now
        submission.save(update_fields=["status", "stage", "started_at"])
        return submission


def grade_run(*, submission: Submission, on_event: Callable[[dict], None]) -> scoring.Grade:
    """Run one submission in a fresh sandbox and score it; writes nothing.

    Used for first grades and for instructors' regrades. Raises SandboxUnavailable.
    """
    exercise = submission.exercise
    limits = SandboxLimits(
        wall_seconds=exercise.wall_seconds,
        memory_mb=exercise.memory_mb,
        pids=exercise.pids,
        cpus=float(exercise.cpus),
        output_bytes=PROTOCOL_OUTPUT_BYTES,
    )
    labels = {"academy.submission": str(submission.pk)}
    contents = submission_contents(submission)
    box = sandbox()
    config = mssql.config_from_settings()
    if not config.enabled:
        payload = payload_build(submission=submission, contents=contents)
        run = box.run(payload=payload, limits=limits, labels=labels, on_event=on_event)
    else:
        # Each run gets its own database, login and internal network, all removed afterwards.
        run_id = f"{submission.pk}_{secrets.token_hex(4)}"
        try:
            with mssql.mssql_run_database(run_id, config=config) as database, box.mssql_network(
                run_id, mssql_container=config.container
            ) as network:
                payload = payload_build(submission=submission, env=mssql.exercise_env(database), contents=contents)
                run = box.run(payload=payload, limits=limits, labels=labels, on_event=on_event, network=network)
        except mssql.MssqlGradingError as exc:
            raise SandboxUnavailable(str(exc)) from None
    spec = scoring.ExerciseSpec(
        lesson_slug=exercise.lesson.slug,
        max_score=exercise.max_score,
        rubric=exercise.rubric,
        hidden_tests=exercise.hidden_tests,
        mutants=[vars(m) for m in mutants_read(exercise_dir(exercise))] if exercise.rubric.get("mutation") else [],
    )
    result = scoring.grade(
        spec=spec,
        raw_results=run.results,
        timed_out=run.timed_out,
        oom_killed=run.oom_killed,
        output_exceeded=run.output_exceeded,
        stages_started=run.stages_started,
    )
    if exercise.due_at and submission.created_at > exercise.due_at:
        result = scoring.late_penalty_apply(result, penalty_percent=exercise.late_penalty_percent)
    result.results.update({"image_id": run.image_id, "duration_ms": run.duration_ms})
    result.image_id = run.image_id
    signs = tamper.tamper_signs(contents.members)
    if signs:
        result.results["tamper_signs"] = [sign.as_note() for sign in signs]
        result.flagged = True
        result.flag_reason = " ".join(filter(None, [result.flag_reason, tamper.flag_reason(signs)]))
    return result


def submission_grade(*, submission_id: int) -> Submission | None:
    """Grade a submission end to end. Raises SandboxUnavailable for infrastructure faults.

    The row lock is held only to claim and to store: never while the sandbox runs.
    """
    submission = _claim(submission_id)
    if submission is None:
        return None

    def on_event(event: dict) -> None:
        Submission.objects.filter(pk=submission.pk, status=Status.RUNNING).update(stage=event["stage"])

    result = grade_run(submission=submission, on_event=on_event)
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        if submission.is_terminal:
            return submission
        submission.status, submission.verdict, submission.score = result.status, result.verdict, result.score
        submission.counts_as_attempt, submission.results = result.counts_as_attempt, result.results
        submission.flagged, submission.flag_reason = result.flagged, result.flag_reason[:300]
        submission.error_message = result.error_message
        submission.image_id, submission.stage, submission.finished_at = result.image_id[:80], "", timezone.now()
        submission.full_clean(exclude=["archive"])
        submission.save()
        progress_refresh(user_id=submission.user_id, exercise_id=submission.exercise_id)
    logger.info(
        "submission %s graded: verdict=%s score=%s/%s in %sms",
        submission.pk,
        submission.verdict,
        submission.score,
        submission.max_score,
        result.results.get("duration_ms"),
    )
    return submission


INFRA_ERROR_MESSAGE = (
    "The grader is unavailable right now; this is not counted as an attempt. An instructor can regrade it."
)


def submission_infra_failed(
    *, submission_id: int, reason: str, final: bool, message: str = INFRA_ERROR_MESSAGE
) -> None:
    """Record an infrastructure fault: back to QUEUED for a retry, or ERROR when retries ran out.

    Either way the learner loses nothing: an infrastructure error never counts as an attempt.
    """
    with transaction.atomic():
        submission = Submission.objects.select_for_update().filter(pk=submission_id).first()
        if submission is None or submission.is_terminal:
            return
        submission.infra_retries += 1
        if final:
            submission.status, submission.verdict = Status.ERROR, Submission.Verdict.INFRA_ERROR
            submission.counts_as_attempt, submission.finished_at = False, timezone.now()
            submission.error_message = message
        else:
            submission.status = Status.QUEUED
        submission.stage = ""
        submission.save(
            update_fields=[
                "infra_retries",
                "status",
                "verdict",
                "counts_as_attempt",
                "finished_at",
                "error_message",
                "stage",
            ]
        )
        progress_refresh(user_id=submission.user_id, exercise_id=submission.exercise_id)
    logger.warning("submission %s: infrastructure fault (%s)%s", submission_id, reason, "; giving up" if final else "")


def submission_sweep(*, submission_id: int, max_retries: int) -> bool:
    """Count a stuck submission's sweep as an infrastructure retry. True: grade it again."""
    retries = Submission.objects.filter(pk=submission_id).values_list("infra_retries", flat=True).first()
    if retries is None:
        return False
    final = retries >= max_retries
    submission_infra_failed(submission_id=submission_id, reason="stuck past its deadline", final=final)
    return not final


def submissions_stuck(*, now: datetime.datetime | None = None) -> list[int]:
    """Ids of submissions queued or running for longer than they ever should be."""
    now = now or timezone.now()
    queued_before = now - datetime.timedelta(seconds=settings.GRADER_QUEUED_DEADLINE_SECONDS)
    stuck = list(
        Submission.objects.filter(status=Status.QUEUED, created_at__lt=queued_before).values_list("pk", flat=True)
    )
    for pk, started_at, wall in Submission.objects.filter(status=Status.RUNNING).values_list(
        "pk", "started_at", "exercise__wall_seconds"
    ):
        if started_at is None or now - started_at > datetime.timedelta(
            seconds=wall + settings.GRADER_STUCK_GRACE_SECONDS
        ):
            stuck.append(pk)
    return stuck


def queue_position(*, submission: Submission) -> int | None:
    """1 for the next submission to be graded; None once it is no longer queued."""
    if submission.status != Status.QUEUED:
        return None
    ahead = Submission.objects.filter(status=Status.QUEUED, created_at__lt=submission.created_at).count()
    return ahead + 1
