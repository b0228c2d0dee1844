"""Grading one submission: lock, run in the sandbox, score, store. Safe to run twice."""

import datetime
import io
import json
import logging
import random
import re
import secrets
import tarfile
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from exercises.archive import ArchiveContents, archive_read
from exercises.curriculum import equivalents_read, is_test_path, mutants_read, tree_files, tree_hash
from exercises.models import Exercise, Submission
from exercises.services import exercise_dir, progress_refresh
from grader import mssql, scoring, tamper, twins
from grader.sandbox import DockerSandbox, SandboxLimits, SandboxRun, SandboxUnavailable

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
    """How long a RUNNING row may stay so before it counts as stuck (two sandbox runs, which
    run one after the other when grading on SQL Server)."""
    return datetime.timedelta(seconds=2 * exercise.wall_seconds + settings.GRADER_STUCK_GRACE_SECONDS)


def _tar_add(archive: tarfile.TarFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), mode, 0
    archive.addfile(info, io.BytesIO(data))


def submission_contents(submission: Submission) -> ArchiveContents:
    with submission.archive.open("rb") as stored:
        return archive_read(stored.read(), submission.archive.name)


def hidden_files(exercise: Exercise) -> dict[str, bytes]:
    root = exercise_dir(exercise) / "hidden_tests"
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in tree_files(root)} if root.is_dir() else {}


def hidden_suite(exercise: Exercise) -> twins.HiddenSuite:
    """This run's hidden suite: every test renamed at random and paired with its twin."""
    return twins.suite_build(
        files=hidden_files(exercise), check_ids=[t["id"] for t in exercise.hidden_tests], rng=random.SystemRandom()
    )


def payload_build(
    *,
    submission: Submission,
    stages: list[str],
    env: dict[str, str] | None = None,
    contents: ArchiveContents | None = None,
    hidden: twins.HiddenSuite | None = None,
) -> bytes:
    """The gzipped tar stream the runner reads on stdin: manifest and learner files; the hidden
    suite only for the hidden-tests run, and for a mutation stage the solution's app files
    (reference/) and the mutants' overlays."""
    exercise = submission.exercise
    root = exercise_dir(exercise)
    if tree_hash(root) != exercise.content_hash:
        raise SandboxUnavailable(f"{exercise.source_dir} changed on disk since the last sync_curriculum")
    contents = contents or submission_contents(submission)
    manifest = {
        "schema": scoring.RESULTS_SCHEMA,
        "django_settings": exercise.django_settings,
        "stages": stages,
        "hidden_ids": hidden.run_ids if hidden else [],
        "deadline_seconds": max(1, exercise.wall_seconds - RUNNER_RESERVE_SECONDS),
        "output_limit_bytes": exercise.output_kb * 1024,
        # The exercise's settings read their database from these: SQLite unless this run has
        # its own SQL Server database and login (grader.mssql).
        "env": env or {"DATABASE_ENGINE": "sqlite"},
    }
    mutants = [m.name for m in mutants_read(root)] if "mutation" in stages else []
    equivalents = [e.name for e in equivalents_read(root)] if mutants else []
    if mutants:
        manifest["mutants"] = mutants
    if equivalents:
        manifest["equivalents"] = equivalents
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as archive:
        _tar_add(archive, "manifest.json", json.dumps(manifest).encode())
        for member in contents.members:
            _tar_add(archive, f"learner/{member.path}", member.data, 0o755 if member.executable else 0o644)
        for rel, data in sorted(hidden.files.items()) if hidden else []:
            _tar_add(archive, f"hidden/{rel}", data)
        if mutants:
            solution = root / "solution"
            for path in tree_files(solution):
                rel = path.relative_to(solution).as_posix()
                if not is_test_path(rel) and rel != "db.sqlite3":
                    _tar_add(archive, f"reference/{rel}", path.read_bytes())
            for kind, names in (("mutants", mutants), ("equivalents", equivalents)):
                for name in names:
                    folder = root / kind / name
                    for path in tree_files(folder):
                        if path.suffix != ".toml" or path.parent != folder:
                            rel = path.relative_to(folder).as_posix()
                            _tar_add(archive, f"{kind}/{name}/{rel}", path.read_bytes())
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


def _runs(
    *,
    box: DockerSandbox,
    payloads: dict[str, bytes],
    limits: SandboxLimits,
    labels: dict[str, str],
    on_event: Callable[[dict], None],
    network: str | None = None,
) -> dict[str, SandboxRun]:
    """The learner-visible run and the hidden-tests run, each in its own fresh container. On
    SQLite they run side by side (the hidden run reports no live stages); with a SQL Server
    database they share it, so one after the other."""
    extra = {"network": network} if network else {}

    def run(part: str, events: Callable[[dict], None]) -> SandboxRun:
        return box.run(payload=payloads[part], limits=limits, labels={**labels, "academy.part": part},
                       on_event=events, **extra)  # fmt: skip

    if network or len(payloads) == 1:
        return {part: run(part, on_event) for part in payloads}
    side: dict = {}

    def hidden() -> None:
        try:
            side["run"] = run("hidden", lambda event: None)
        except BaseException as exc:  # re-raised in the caller's thread
            side["error"] = exc

    thread = threading.Thread(target=hidden, name="grader-hidden-run", daemon=True)
    thread.start()
    try:
        visible = run("visible", on_event)
    finally:
        thread.join()
    if "error" in side:
        raise side["error"]
    on_event({"event": "stage", "stage": "hidden_tests", "state": "started"})
    return {"visible": visible, "hidden": side["run"]}


def _merge(runs: dict[str, SandboxRun], suite: twins.HiddenSuite, stage_order: list[str]) -> tuple[dict | None, list]:
    """One results object from the two runs, with the hidden run's random test names mapped back
    to the exercise's check ids. Returns (results or None, forged check ids)."""
    if any(run.results is None for run in runs.values()):
        return None, []
    visible = runs.get("visible")
    raw = dict(visible.results) if visible else {"schema": scoring.RESULTS_SCHEMA, "stages": [], "tests": []}
    hidden = runs.get("hidden")
    if hidden is None:
        return raw, []
    other = hidden.results
    if other.get("schema") != raw.get("schema"):
        raw["schema"] = other.get("schema")
    raw["internal_error"] = raw.get("internal_error") or other.get("internal_error")
    integrity = [*(raw.get("integrity") or []), *(other.get("integrity") or [])]
    outcomes: dict[str, str] = {}
    tests = [t for t in raw.get("tests") or [] if isinstance(t, dict) and t.get("stage") != "hidden_tests"]
    for test in other.get("tests") or []:
        if not isinstance(test, dict) or test.get("stage") != "hidden_tests":
            continue
        run_id = test.get("id")
        outcomes[run_id] = test.get("outcome")
        if run_id in suite.real:
            tests.append({**test, "id": suite.real[run_id]})
        elif run_id not in suite.twins and len(integrity) < 40:
            integrity.append({"stage": "hidden_tests", "problem": f"a report for a test that was never run: "
                              f"{str(run_id)[:120]}"})  # fmt: skip
    stages = [s for s in raw.get("stages") or [] if isinstance(s, dict) and s.get("name") != "hidden_tests"]
    real_outcomes = [outcome for run_id, outcome in outcomes.items() if run_id in suite.real]
    for stage in other.get("stages") or []:
        if isinstance(stage, dict) and stage.get("name") == "hidden_tests":
            current = stage.get("current_test")
            stage = {**stage, "current_test": suite.real.get(current) or suite.twins.get(current)}
            # The twins' failures are expected: the stage passed when every real test did.
            all_real_passed = len(real_outcomes) == len(suite.real) and all(o == "passed" for o in real_outcomes)
            if stage.get("status") == "failed" and stage.get("exit_code") == 1 and all_real_passed:
                stage.update(status="passed", exit_code=0)
            stages.append(stage)
    stages.sort(key=lambda s: stage_order.index(s.get("name")) if s.get("name") in stage_order else 99)
    errors = [e for e in raw.get("collection_errors") or [] if isinstance(e, dict)]
    errors += [_hidden_error(e, suite) for e in other.get("collection_errors") or [] if isinstance(e, dict)]
    truncated = {**(raw.get("truncated") or {})}
    truncated["tests"] = bool(truncated.get("tests")) or bool((other.get("truncated") or {}).get("tests"))
    raw.update(stages=stages, tests=tests, collection_errors=errors, integrity=integrity, truncated=truncated)
    return raw, twins.forged_pairs(suite, outcomes)


EXCEPTION_NAME = re.compile(r"^[A-Z][A-Za-z]{0,40}(Error|Exception)$")


def _hidden_error(error: dict, suite: twins.HiddenSuite) -> dict:
    """A collection error of the hidden run, reduced to what cannot carry the hidden files: the
    exception's type (a builtin-looking name) and where in the learner's own files it arose. Its
    message may have been written by learner code that read the hidden tests."""
    path = error.get("path") if isinstance(error.get("path"), str) else None
    in_hidden = path is None or path in suite.files or path.split("/")[0] in {p.split("/")[0] for p in suite.files}
    kind = str(error.get("message") or "").split(":", 1)[0].strip()
    return {
        "stage": "hidden_tests",
        "path": None if in_hidden else path,
        "line": None if in_hidden or not isinstance(error.get("line"), int) else error["line"],
        "message": (f"{kind} while the hidden tests imported your code" if EXCEPTION_NAME.match(kind)
                    else "an error while the hidden tests imported your code"),
    }  # fmt: skip


def grade_run(*, submission: Submission, on_event: Callable[[dict], None]) -> scoring.Grade:
    """Run one submission in fresh sandboxes and score it; writes nothing.

    Two containers: the learner-visible stages, which never see the hidden tests, and the hidden
    tests (renamed and twinned per run, grader.twins), whose output never reaches the learner.
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
    stages = [stage for stage, points in exercise.rubric.items() if points > 0]
    suite = hidden_suite(exercise)
    box = sandbox()

    def payloads(env: dict[str, str] | None = None) -> dict[str, bytes]:
        parts = {}
        if [s for s in stages if s != "hidden_tests"]:
            parts["visible"] = payload_build(submission=submission, stages=[s for s in stages if s != "hidden_tests"],
                                             env=env, contents=contents)  # fmt: skip
        if "hidden_tests" in stages:
            parts["hidden"] = payload_build(submission=submission, stages=["hidden_tests"], env=env,
                                            contents=contents, hidden=suite)  # fmt: skip
        return parts

    config = mssql.config_from_settings()
    if not config.enabled:
        runs = _runs(box=box, payloads=payloads(), limits=limits, labels=labels, on_event=on_event)
    else:
        # Each grading gets its own database, login and internal network, all removed afterwards.
        run_id = f"{submission.pk}_{secrets.token_hex(4)}"
        try:
            with (
                mssql.mssql_run_database(run_id, config=config) as database,
                box.mssql_network(run_id, mssql_container=config.container) as network,
            ):
                runs = _runs(box=box, payloads=payloads(mssql.exercise_env(database)), limits=limits, labels=labels,
                             on_event=on_event, network=network)  # fmt: skip
        except mssql.MssqlGradingError as exc:
            raise SandboxUnavailable(str(exc)) from None
    timed_out = any(run.timed_out for run in runs.values())
    oom_killed = any(run.oom_killed for run in runs.values())
    output_exceeded = any(run.output_exceeded for run in runs.values())
    raw, forged = _merge(runs, suite, stages)
    if raw is None and not (timed_out or oom_killed or output_exceeded):
        # Killed from outside (an operator, Docker, the host's memory killer): not the learner's doing.
        codes = {part: run.exit_code for part, run in runs.items()}
        raise SandboxUnavailable(f"a sandbox ended without results and without hitting a limit (exit codes {codes})")
    spec = scoring.ExerciseSpec(
        lesson_slug=exercise.lesson.slug,
        max_score=exercise.max_score,
        rubric=exercise.rubric,
        hidden_tests=exercise.hidden_tests,
        mutants=[vars(m) for m in mutants_read(exercise_dir(exercise))] if exercise.rubric.get("mutation") else [],
    )
    result = scoring.grade(
        spec=spec,
        raw_results=raw,
        timed_out=timed_out,
        oom_killed=oom_killed,
        output_exceeded=output_exceeded,
        stages_started=[stage for run in runs.values() for stage in run.stages_started],
        forged=forged,
        hidden_lines=scoring.hidden_lines_of({**hidden_files(exercise), **suite.files}),
    )
    if exercise.due_at and submission.created_at > exercise.due_at:
        result = scoring.late_penalty_apply(result, penalty_percent=exercise.late_penalty_percent)
    image_id = next(iter(runs.values())).image_id if runs else ""
    # The two runs overlap on SQLite and follow each other on SQL Server.
    durations = [run.duration_ms for run in runs.values()]
    duration_ms = sum(durations) if config.enabled else max(durations, default=0)
    result.results.update({"image_id": image_id, "duration_ms": duration_ms})
    result.results["twins"] = {"pairs": len(suite.twins), "untwinned": len(suite.untwinned), "forged": forged}
    result.image_id = image_id
    signs = tamper.tamper_signs(contents.members)
    if signs:
        result.results["tamper_signs"] = [sign.as_note() for sign in signs]
        result.flagged = True
        result.flag_reason = " ".join(filter(None, [result.flag_reason, tamper.flag_reason(signs)]))
    result.results["review"] = {"held": result.held, "flagged": result.flagged, "reason": result.flag_reason[:300]}
    return result


def grade_store(*, submission: Submission, result: scoring.Grade, attempt: bool = True) -> None:
    """Store a graded result on a locked submission: the one place that writes a Grade, for
    first grades and published regrades alike. `attempt=False` keeps the attempt flag (a regrade
    never changes whether a submission counted)."""
    submission.status, submission.verdict, submission.score = result.status, result.verdict, result.score
    if attempt:
        submission.counts_as_attempt = result.counts_as_attempt
    submission.results = result.results
    submission.flagged, submission.flag_reason = result.flagged, result.flag_reason[:300]
    submission.held = result.held
    submission.error_message = result.error_message
    submission.image_id, submission.stage, submission.finished_at = result.image_id[:80], "", timezone.now()
    submission.full_clean(exclude=["archive"])
    submission.save()
    progress_refresh(user_id=submission.user_id, exercise_id=submission.exercise_id)


def submission_grade(*, submission_id: int) -> Submission | None:
    """Grade a submission end to end. Raises SandboxUnavailable for infrastructure faults.

    The row lock is held only to claim and to store: never while the sandbox runs.
    """
    submission = _claim(submission_id)
    if submission is None:
        return None

    def on_event(event: dict) -> None:
        # The live stage is cosmetic: a locked or busy database must not cost a finished grading.
        try:
            Submission.objects.filter(pk=submission.pk, status=Status.RUNNING).update(stage=event["stage"])
        except DatabaseError as exc:
            logger.warning("submission %s: live stage %s not stored (%s)", submission.pk, event.get("stage"), exc)

    result = grade_run(submission=submission, on_event=on_event)
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        if submission.is_terminal:
            return submission
        grade_store(submission=submission, result=result)
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
