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
        # TODO(composite-order): derive the indexes from the queries in schedule/selectors.py.
        # This one was added "for the date filters": check its column order against
        # upcoming_sessions(), and read README.md for the names the indexes must have.
        indexes = [
            models.Index(fields=["starts_at", "status"], name="session_start_status_idx"),
        ]

    def __str__(self):
        return f"{self.course_id} in {self.city} at {self.starts_at:%Y-%m-%d %H:%M}"
