from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from course.curriculum import CurriculumError
from course.services import curriculum_sync


class Command(BaseCommand):
    help = "Load the curriculum (course.toml, lessons, exercises) into the database, idempotently."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--root", type=Path, default=settings.CURRICULUM_DIR, help="curriculum directory")

    def handle(self, *args, root: Path, **options) -> None:
        try:
            course, report = curriculum_sync(root=root.resolve())
        except CurriculumError as exc:
            raise CommandError(f"{exc}\nNothing was written.") from None
        for label, slugs in (
            ("created", report.created),
            ("updated", report.updated),
            ("unpublished", report.unpublished),
            ("exercise created", report.exercises_created),
            ("exercise updated", report.exercises_updated),
            ("exercise unpublished", report.exercises_unpublished),
        ):
            for slug in slugs:
                self.stdout.write(f"  {label}: {slug}")
        summary = (
            f"{course.slug}: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unpublished)} unpublished, {report.unchanged} unchanged"
        )
        self.stdout.write(self.style.SUCCESS(summary) if report.changed else f"{summary} (nothing to write)")
