"""What the grading integrity design costs: exercise 07's reference graded both ways, in one session.

    .venv/bin/python bench/integrity.py [--runs 7]

Baseline: every stage in one container with the hidden tests as written (the design before
docs/grading-integrity.md). Now: `grader.services.grade_run`, the learner-visible stages and the
twinned hidden suite in two containers side by side. Runs alternate so that both see the same
machine load; only the ratio of the medians is a result. Goal (issue: trustworthy grades): <= 1.25.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(tempfile.mkdtemp(prefix="academy-bench-"))
os.environ.update({"DJANGO_SETTINGS_MODULE": "config.settings.local", "DJANGO_DEBUG": "false",
                   "ACADEMY_VAR_DIR": str(VAR), "DJANGO_LOG_LEVEL": "WARNING"})  # fmt: skip
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import django  # noqa: E402

django.setup()

import grading  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from grading import bare_once, single_container_payload  # noqa: E402

from accounts.models import User  # noqa: E402
from exercises.models import Exercise, Submission  # noqa: E402
from exercises.tests.archives import make_zip, tree_members  # noqa: E402
from grader.services import grade_run  # noqa: E402

SLUG_DIR = "07-orm-performance"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("sync_curriculum", verbosity=0)
    root = settings.CURRICULUM_DIR / SLUG_DIR / "exercise"
    exercise = Exercise.objects.select_related("lesson").get(source_dir__endswith=f"{SLUG_DIR}/exercise")
    user, _ = User.objects.get_or_create(username="bench")
    data = make_zip(tree_members(root / "solution"))
    submission = Submission.objects.create(
        user=user, exercise=exercise, number=1, archive=ContentFile(data, name="s.zip"), archive_sha256="0" * 64,
        archive_size=len(data), max_score=exercise.max_score,
    )  # fmt: skip
    baseline_payload = single_container_payload(submission)
    try:
        before, after = [], []
        bare_once(baseline_payload, exercise)  # warm-up
        grade_run(submission=submission, on_event=lambda event: None)
        for _ in range(args.runs):
            before.append(bare_once(baseline_payload, exercise))
            started = time.perf_counter()
            result = grade_run(submission=submission, on_event=lambda event: None)
            after.append(time.perf_counter() - started)
            if (result.score, result.held, result.flagged) != (exercise.max_score, False, False):
                raise SystemExit(f"the reference was not graded 100 unheld: {result.score} {result.flag_reason}")
    finally:
        shutil.rmtree(VAR, ignore_errors=True)
        shutil.rmtree(grading.VAR, ignore_errors=True)  # made when that module was imported
    ratio = statistics.median(after) / statistics.median(before)
    print(f"exercise 07 reference: median {statistics.median(before):.2f} s in one container (baseline) vs "
          f"{statistics.median(after):.2f} s two containers with twins, {args.runs} interleaved runs")
    print(f"integrity cost ratio (now / baseline): {ratio:.2f}   goal <= 1.25")


if __name__ == "__main__":
    main()
