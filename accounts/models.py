from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property

INSTRUCTORS_GROUP = "Instructors"


class User(AbstractUser):
    """A learner by default; an instructor when in the Instructors group (or a superuser)."""

    email = models.EmailField("email address", blank=True, db_index=True)

    @cached_property
    def is_instructor(self) -> bool:
        if not self.is_active:
            return False
        return self.is_superuser or self.groups.filter(name=INSTRUCTORS_GROUP).exists()
