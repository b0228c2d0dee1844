"""Courses and their scheduled sessions (a course runs many times, in several cities)."""

from django.db import models


class Course(models.Model):
    title = models.CharField(max_length=200)

    def __str__(self):
        return self.title


class Session(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        FULL = "full", "Full"
        CANCELLED = "cancelled", "Cancelled"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    city = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    starts_at = models.DateTimeField()
    capacity = models.PositiveIntegerField(default=20)

    class Meta:
        indexes = [
            # upcoming_sessions(): WHERE status = 'open' AND city = ? AND starts_at >= now
            # ORDER BY starts_at. Equality columns first, then the range and sort column: the
            # database seeks to (open, city) and reads the sessions already in date order.
            models.Index(fields=["starts_at", "status", "city"], name="session_status_city_start_idx"),
            # course_sessions(): WHERE course_id = ? AND status <> 'cancelled' ORDER BY starts_at.
            # The foreign key's own index finds the course; this one also returns them in order.
            models.Index(fields=["course", "starts_at"], name="session_course_start_idx"),
        ]

    def __str__(self):
        return f"{self.course_id} in {self.city} at {self.starts_at:%Y-%m-%d %H:%M}"
