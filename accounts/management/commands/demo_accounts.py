from django.core.management.base import BaseCommand

from accounts.models import User
from accounts.services import instructor_grant, user_create

# Local demo only: `make run` prints these so a new user can log in at once.
DEMO_ACCOUNTS = [
    ("learner", "learn-django-2026", False),
    ("instructor", "teach-django-2026", True),
]


class Command(BaseCommand):
    help = "Create the demo learner and instructor (if missing) and print their credentials."

    def handle(self, *args, **options) -> None:
        for username, password, is_instructor in DEMO_ACCOUNTS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = user_create(username=username, password=password, email=f"{username}@example.com")
            if is_instructor:
                instructor_grant(user=user)
            role = "instructor" if is_instructor else "learner"
            self.stdout.write(f"  demo {role:<10} username: {username:<11} password: {password}")
