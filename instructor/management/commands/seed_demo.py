"""Realistic demo data for the instructor workspace: learners, cohorts and graded submissions."""

import contextlib
import datetime
import hashlib
import random
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from course.models import Lesson
from exercises.curriculum import tree_hash
from exercises.models import Exercise, Submission
from exercises.services import exercise_dir, progress_rebuild, tree_zip

PREFIX = "demo-"
EXERCISES = 15
PROBE = settings.BASE_DIR / "tests" / "fixtures" / "probe-curriculum" / "01-probe" / "exercise"


@contextlib.contextmanager
def explicit_created_at():
    """Let bulk_create keep the timestamps we set, so that attempts spread over past weeks."""
    field = Submission._meta.get_field("created_at")
    field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now_add = True


class Command(BaseCommand):
    help = "Create demo learners (demo-NNNN) in cohorts with about 20 graded submissions each."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--learners", type=int, default=50)
        parser.add_argument("--submissions", type=int, default=20, help="per learner, on average")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, learners: int, submissions: int, seed: int, **options) -> None:
        if not 1 <= learners <= 20000:
            raise CommandError("--learners must be between 1 and 20000.")
        if not Lesson.objects.filter(is_published=True).exists():
            raise CommandError("No lessons yet: run `manage.py sync_curriculum` first.")
        rng = random.Random(seed)  # noqa: S311 (demo data, not secrets; seeded to be reproducible)
        with transaction.atomic():
            exercises = self._exercises()
            User.objects.filter(username__startswith=PREFIX).delete()  # earlier demo data
            people = self._learners(learners)
            count = self._submissions(rng, people, exercises, submissions)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(people)} demo learners in 3 cohorts, {len(exercises)} exercises, {count} submissions."
            )
        )

    def _exercises(self) -> list[Exercise]:
        """The curriculum's exercises, topped up to 15 with demo ones (graded by the probe project)."""
        exercises = list(Exercise.objects.filter(is_published=True).select_related("lesson"))
        free = Lesson.objects.filter(is_published=True, exercise__isnull=True).order_by("order")
        probe = {"source_dir": str(PROBE.relative_to(settings.BASE_DIR)), "content_hash": tree_hash(PROBE)}
        for lesson in free[: max(0, EXERCISES - len(exercises))]:
            exercises.append(Exercise.objects.create(
                lesson=lesson, slug=f"{PREFIX}{lesson.slug}", title=f"{lesson.title} (demo)", max_score=100,
                django_settings="probe_site.settings", wall_seconds=60, memory_mb=256, pids=64, output_kb=64, cpus=1,
                rubric={"learner_tests": 10, "hidden_tests": 60, "lint": 10, "django_check": 10, "migrations": 10},
                hidden_tests=[
                    {"id": "tests_hidden/test_hidden.py::test_double_of_21_is_42", "points": 30,
                     "title": "double(21) is 42", "hint": "Multiply by two.", "anchor": "summary"},
                    {"id": "tests_hidden/test_hidden.py::test_item_round_trips_through_the_database", "points": 30,
                     "title": "An Item is saved", "hint": "Keep the model.", "anchor": "summary"},
                ], **probe,
            ))  # fmt: skip
        return sorted(exercises, key=lambda e: e.lesson.order)

    def _learners(self, count: int) -> list[User]:
        password = make_password("demo-learner-pass")  # hashed once: hashing 500 times takes minutes
        users = User.objects.bulk_create(
            [
                User(username=f"{PREFIX}{n:04d}", email=f"{PREFIX}{n:04d}@example.com", password=password)
                for n in range(1, count + 1)
            ],
            batch_size=200,
        )
        users = list(User.objects.filter(username__startswith=PREFIX).order_by("username"))
        cohorts = [Group.objects.get_or_create(name=f"Cohort {letter}")[0] for letter in "ABC"]
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=cohorts[i % 3].pk) for i, u in enumerate(users)], batch_size=500
        )
        return users

    def _archives(self, exercises) -> dict[tuple[int, bool], tuple[str, str, int]]:
        """Each exercise's own starter and reference solution, stored once: (exercise, passed) → file.

        A passing demo attempt holds the solution and a failing one the starter, so a regrade of the
        demo data shows real before/after changes."""
        archives = {}
        for exercise in exercises:
            for passed, tree in ((True, "solution"), (False, "starter")):
                data = tree_zip(exercise_dir(exercise) / tree)
                name = f"demo/{exercise.slug}-{tree}.zip"
                default_storage.delete(name)  # seeding again replaces the file instead of adding one
                name = default_storage.save(name, ContentFile(data))
                archives[exercise.pk, passed] = (name, hashlib.sha256(data).hexdigest(), len(data))
        return archives

    def _submissions(self, rng, people, exercises, per_learner) -> int:
        archives = self._archives(exercises)
        now = timezone.now()
        rows = []
        for user in people:
            skill = rng.uniform(0.15, 1.0)
            reach = max(1, round(len(exercises) * min(1.0, skill + 0.2)))
            for exercise in exercises[:reach]:
                checks = exercise.hidden_tests
                attempts = max(1, round(rng.gauss(per_learner / reach, 1.5)))
                for number in range(1, attempts + 1):
                    progress = min(1.0, skill * (0.5 + number / attempts))
                    passed_checks = [rng.random() < progress for _ in checks]
                    earned = sum(c["points"] for c, ok in zip(checks, passed_checks, strict=True) if ok)
                    hidden_max = sum(c["points"] for c in checks) or 1
                    score = Decimal(round((exercise.max_score - hidden_max) * progress + earned, 2))
                    score = min(score, Decimal(exercise.max_score))
                    verdict = "passed" if score == exercise.max_score else "failed"
                    archive, sha256, size = archives[exercise.pk, verdict == "passed"]
                    rows.append(Submission(
                        user=user, exercise=exercise, number=number, archive=archive, archive_sha256=sha256,
                        archive_size=size, status="graded", verdict=verdict, score=score, max_score=exercise.max_score,
                        created_at=now - datetime.timedelta(days=rng.uniform(0, 28)),
                        results={"checks": [
                            {"key": c["id"], "stage": "hidden_tests", "title": c["title"], "passed": ok,
                             "points": float(c["points"] if ok else 0), "max_points": float(c["points"]),
                             "hint": c["hint"], "lesson": exercise.lesson.slug, "anchor": c["anchor"],
                             "visibility": "hidden", "message": "" if ok else "assertion failed (demo)"}
                            for c, ok in zip(checks, passed_checks, strict=True)]},
                    ))  # fmt: skip
        with explicit_created_at():
            # 20 columns a row: 50 rows stay under SQL Server's 2100 parameters per INSERT.
            Submission.objects.bulk_create(rows, batch_size=50)
        progress_rebuild()
        return len(rows)
