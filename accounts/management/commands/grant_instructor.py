from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import instructor_grant


class Command(BaseCommand):
    help = "Give a user the instructor role (the Instructors group and admin access)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            hint = "Create the account first (sign up or createsuperuser)."
            raise CommandError(f"No user named {username!r}. {hint}") from None
        instructor_grant(user=user)
        self.stdout.write(self.style.SUCCESS(f"{username} is now an instructor."))
