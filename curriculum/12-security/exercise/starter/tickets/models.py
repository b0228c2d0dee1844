"""Support tickets. A customer sees and acts on their own tickets only."""

from django.conf import settings
from django.db import models


class TicketQuerySet(models.QuerySet):
    def for_user(self, user):
        """The tickets ``user`` may see: their own. Every view should fetch tickets through this.

        TODO(object-level): it returns every ticket, and no view uses it yet.
        """
        return self.all()


class Ticket(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tickets")
    title = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title
