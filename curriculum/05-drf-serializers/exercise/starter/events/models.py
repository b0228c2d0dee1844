"""Meetup events. Two fields are for staff only: ``is_featured`` and ``internal_notes``."""

from django.conf import settings
from django.db import models


class Event(models.Model):
    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    organizer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="organized_events")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveIntegerField()
    is_featured = models.BooleanField(default=False, help_text="Set by staff in the admin, never through the API.")
    internal_notes = models.TextField(blank=True, help_text="Staff only: never shown by the API.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]

    def __str__(self):
        return self.title
