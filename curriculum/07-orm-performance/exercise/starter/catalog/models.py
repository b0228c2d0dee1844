"""The bookshop catalogue.

Two columns here are big: ``Book.body`` holds the whole text of a book (megabytes) and
``Author.bio`` a long biography. List pages never show them, so they must not load them.
"""

from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=120)
    bio = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Book(models.Model):
    title = models.CharField(max_length=200)
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="books")
    tags = models.ManyToManyField(Tag, related_name="books", blank=True)
    price = models.DecimalField(max_digits=7, decimal_places=2)
    body = models.TextField(blank=True, help_text="The full text of the book.")

    def __str__(self):
        return self.title


class Review(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)

    def __str__(self):
        return f"{self.rating}/5 for {self.book_id}"
