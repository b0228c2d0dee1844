"""Instructor progress matrix: render time at 500 learners as a ratio to 50 learners.

    .venv/bin/python bench/instructor.py [--repeat 7]

Both sizes are seeded with `seed_demo` (about 20 graded submissions per learner over 15
exercises) into a throw-away SQLite database and rendered through the real view, in one
process, so the ratio compares like with like. The page shows the first 100 learners, struggling
first: at 50 learners that is everyone, at 500 the database ranks all of them from their
progress summaries and loads one page. Goal: at most 3x the time for 10x the data.
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
VAR = Path(tempfile.mkdtemp(prefix="academy-bench-instructor-"))
os.environ.update({"DJANGO_SETTINGS_MODULE": "config.settings.local", "DJANGO_DEBUG": "false",
                   "ACADEMY_VAR_DIR": str(VAR), "DJANGO_LOG_LEVEL": "WARNING", "DJANGO_ALLOWED_HOSTS": "testserver"})
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.services import instructor_grant  # noqa: E402


def render_times(client: Client, repeat: int) -> tuple[float, int]:
    client.get("/instructor/")  # warm caches and template loading
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get("/instructor/")
        times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"the matrix answered {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get("/instructor/")
    return statistics.median(times), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    try:
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("sync_curriculum", root=settings.CURRICULUM_DIR, verbosity=0)
        teacher = User.objects.create_user("bench-teacher")  # force_login below: no password needed
        instructor_grant(user=teacher)
        client = Client()
        client.force_login(teacher)
        results = {}
        for learners in (50, 500):
            call_command("seed_demo", learners=learners, verbosity=0)
            results[learners] = render_times(client, args.repeat)
    finally:
        shutil.rmtree(VAR, ignore_errors=True)
    (small, small_q), (large, large_q) = results[50], results[500]
    print(f"matrix render, median of {args.repeat}: 50 learners {small * 1000:.0f} ms ({small_q} queries), "
          f"500 learners {large * 1000:.0f} ms ({large_q} queries)")
    print(f"ratio (500 / 50 learners): {large / small:.2f}   goal <= 3.00 for 10x the data")


if __name__ == "__main__":
    main()
