"""Regenerate docs/screenshots/*.png: a scratch site with demo data, photographed by headless Chromium.

    .venv/bin/python scripts/screenshots.py

Needs dockerd and the grading image (one real submission is graded synchronously).
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(tempfile.mkdtemp(prefix="academy-shots-"))
PORT = "8765"
ENV = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", "ACADEMY_VAR_DIR": str(VAR),
       "DJANGO_LOG_LEVEL": "WARNING"}
os.environ.update(ENV)
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from accounts.models import User  # noqa: E402
from course.models import KnowledgeCheck  # noqa: E402
from course.services import check_answer, lesson_complete  # noqa: E402
from exercises.models import Exercise  # noqa: E402
from exercises.services import submission_create  # noqa: E402
from exercises.tests.archives import make_zip, tree_members  # noqa: E402
from grader.services import submission_grade  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def prepare() -> int:
    """Demo data, a learner part-way through the course, and one real graded submission's id."""
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("sync_curriculum", verbosity=0)
    call_command("demo_accounts", verbosity=0)
    call_command("seed_demo", learners=40, verbosity=0)
    learner = User.objects.get(username="learner")
    for check in KnowledgeCheck.objects.filter(lesson__order__lte=3):
        check_answer(user=learner, check=check, chosen=check.answer)
    for lesson in check.lesson.course.lessons.filter(order__lte=3):
        lesson_complete(user=learner, lesson=lesson)
    exercise = Exercise.objects.get(slug="orm-performance")
    root = settings.BASE_DIR / exercise.source_dir
    submission = submission_create(user=learner, exercise=exercise,
                                   upload=SimpleUploadedFile("starter.zip", make_zip(tree_members(root / "starter"))))
    submission_grade(submission_id=submission.pk)
    return submission.pk


def login(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Log in").click()


def main() -> None:
    submission_id = prepare()
    server = subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{PORT}", "--noreload"],
                              cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{PORT}"
    try:
        time.sleep(3)
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            login(page, base, "learner", "learn-django-2026")
            page.screenshot(path=OUT / "home.png")
            page.goto(f"{base}/lessons/orm-performance/#quiz-author-loop")
            page.screenshot(path=OUT / "lesson.png")
            page.goto(f"{base}/submissions/{submission_id}/")
            page.screenshot(path=OUT / "feedback.png", full_page=False)
            phone = browser.new_page(viewport={"width": 390, "height": 800})
            login(phone, base, "learner", "learn-django-2026")
            phone.goto(f"{base}/lessons/orm-performance/")
            phone.screenshot(path=OUT / "phone.png")
            teacher = browser.new_page(viewport={"width": 1400, "height": 860})
            login(teacher, base, "instructor", "teach-django-2026")
            teacher.goto(f"{base}/instructor/")
            teacher.screenshot(path=OUT / "instructor-matrix.png")
            teacher.goto(f"{base}/instructor/exercises/orm-performance/stats/")
            teacher.screenshot(path=OUT / "instructor-stats.png")
            browser.close()
    finally:
        server.terminate()
    print(f"screenshots written to {OUT}")


if __name__ == "__main__":
    main()
