"""A public library's catalogue: books filed under a tree of subjects.

Subjects nest (Science > Biology > Botany), to any depth.
"""

from django.db import models


class Subject(models.Model):
    name = models.CharField(max_length=100)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")

    def __str__(self):
        return self.name


class Book(models.Model):
    title = models.CharField(max_length=200)
    author = models.CharField(max_length=120)
    year = models.PositiveSmallIntegerField()
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="books")

    def __str__(self):
        return self.title
