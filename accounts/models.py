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


class ApiToken(models.Model):
    """A personal API token. Only the sha256 of the secret is stored; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the secret, so that a learner can tell their tokens apart.
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="apitoken_name_not_empty"),
            models.CheckConstraint(
                condition=models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=models.F("created_at")),
                name="apitoken_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.name} ({self.prefix}…)"
