"""Grading benchmark: the whole pipeline against a bare sandbox run, in one session.

    .venv/bin/python bench/grading.py [--latency-runs 7] [--burst 100]

Latency: submit → graded through Django, Redis, a Celery worker and the sandbox, against
the same payload run straight through the sandbox (no queue, no database), interleaved so
that both see the same machine load. Throughput: a burst of submissions on 2 worker
processes against the same number of bare runs at concurrency 2. Only ratios are reported
as results: absolute times on these shared machines are noise.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(tempfile.mkdtemp(prefix="academy-bench-"))
os.environ.update({
    "DJANGO_SETTINGS_MODULE": "config.settings.local",
    "DJANGO_DEBUG": "false",
    "ACADEMY_VAR_DIR": str(VAR),
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8"),
    "DJANGO_LOG_LEVEL": "WARNING",
})
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

import redis  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402

from accounts.models import User  # noqa: E402
from exercises.models import Exercise, Submission  # noqa: E402
from exercises.services import submission_create  # noqa: E402
from exercises.tests.archives import make_zip, tree_members  # noqa: E402
from grader.sandbox import SandboxLimits  # noqa: E402
from grader.services import PROTOCOL_OUTPUT_BYTES, hidden_files, payload_build, sandbox  # noqa: E402
from grader.twins import HiddenSuite  # noqa: E402
from tests.probe import PROBE_CURRICULUM, PROBE_EXERCISE  # noqa: E402


def start_worker() -> subprocess.Popen:
    log = (VAR / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "grading,celery", "--concurrency", "2",
         "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
        cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    for _ in range(300):
        if subprocess.run([sys.executable, "-m", "celery", "-A", "config", "inspect", "ping", "--timeout", "1"],
                          cwd=ROOT, capture_output=True, env=os.environ.copy()).returncode == 0:
            return worker
        time.sleep(0.2)
    raise SystemExit(f"the worker did not start: {(VAR / 'worker.log').read_text()[-2000:]}")


def wait_graded(ids: list[int]) -> None:
    while Submission.objects.filter(pk__in=ids, status__in=["queued", "running"]).exists():
        time.sleep(0.05)


def pipeline_once(user, exercise, data: bytes) -> float:
    started = time.perf_counter()
    submission = submission_create(user=user, exercise=exercise, upload=SimpleUploadedFile("s.zip", data))
    wait_graded([submission.pk])
    elapsed = time.perf_counter() - started
    submission.refresh_from_db()
    if (submission.verdict, submission.score) != ("passed", 100):
        raise SystemExit(f"the reference solution was not graded 100: {submission.verdict} {submission.score}")
    return elapsed


def single_container_payload(submission) -> bytes:
    """Every stage in one container with the hidden tests as written: how grading ran before the
    two-container, twinned design (docs/grading-integrity.md), as the baseline."""
    exercise = submission.exercise
    ids = [t["id"] for t in exercise.hidden_tests]
    suite = HiddenSuite(files=hidden_files(exercise), run_ids=ids, real={i: i for i in ids}, twins={}, untwinned=[])
    stages = [stage for stage, points in exercise.rubric.items() if points > 0]
    return payload_build(submission=submission, stages=stages, hidden=suite)


def bare_once(payload: bytes, exercise) -> float:
    limits = SandboxLimits(wall_seconds=exercise.wall_seconds, memory_mb=exercise.memory_mb, pids=exercise.pids,
                           cpus=float(exercise.cpus), output_bytes=PROTOCOL_OUTPUT_BYTES)
    started = time.perf_counter()
    run = sandbox().run(payload=payload, limits=limits, labels={}, on_event=lambda event: None)
    elapsed = time.perf_counter() - started
    if run.results is None or run.exit_code != 0:
        raise SystemExit(f"a bare run failed: exit {run.exit_code}, stderr {run.stderr[-500:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-runs", type=int, default=7)
    parser.add_argument("--burst", type=int, default=100)
    args = parser.parse_args()

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    call_command("migrate", verbosity=0)
    call_command("sync_curriculum", root=PROBE_CURRICULUM, verbosity=0)
    exercise = Exercise.objects.get(slug="probe")
    user, _ = User.objects.get_or_create(username="bench")
    data = make_zip(tree_members(PROBE_EXERCISE / "solution"))
    probe = submission_create(user=user, exercise=exercise, upload=SimpleUploadedFile("s.zip", data))
    payload = single_container_payload(probe)
    Submission.objects.filter(pk=probe.pk).delete()
    worker = start_worker()
    try:
        pipeline_once(user, exercise, data)  # warm-up: image layers, imports, the worker's first task
        bare_once(payload, exercise)
        pipeline, bare = [], []
        for _ in range(args.latency_runs):
            pipeline.append(pipeline_once(user, exercise, data))
            bare.append(bare_once(payload, exercise))
        latency_ratio = statistics.median(pipeline) / statistics.median(bare)

        started = time.perf_counter()
        ids = [submission_create(user=user, exercise=exercise, upload=SimpleUploadedFile("s.zip", data)).pk
               for _ in range(args.burst)]
        wait_graded(ids)
        burst_seconds = time.perf_counter() - started
        passed = Submission.objects.filter(pk__in=ids, verdict="passed").count()

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda _: bare_once(payload, exercise), range(args.burst)))
        bare_seconds = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        shutil.rmtree(VAR, ignore_errors=True)

    throughput_ratio = (args.burst / burst_seconds) / (args.burst / bare_seconds)
    print(f"latency: median submit→graded {statistics.median(pipeline):.2f} s vs bare sandbox run "
          f"{statistics.median(bare):.2f} s over {args.latency_runs} interleaved runs")
    print(f"latency ratio (pipeline / bare): {latency_ratio:.2f}   goal <= 1.30")
    print(f"throughput: {args.burst} submissions on 2 workers in {burst_seconds:.1f} s ({passed} passed) vs "
          f"{args.burst} bare runs at concurrency 2 in {bare_seconds:.1f} s")
    print(f"throughput ratio (pipeline / bare): {throughput_ratio:.2f}   goal >= 0.80")


if __name__ == "__main__":
    main()
