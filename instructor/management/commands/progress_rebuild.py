from django.core.management.base import BaseCommand

from exercises.services import progress_rebuild


class Command(BaseCommand):
    help = "Recompute every learner's per-exercise progress summary from their submissions."

    def handle(self, *args, **options) -> None:
        count = progress_rebuild()
        self.stdout.write(self.style.SUCCESS(f"{count} progress rows rebuilt from the submissions."))
