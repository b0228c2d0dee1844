from django.db import models


class Book(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    price = models.DecimalField(max_digits=7, decimal_places=2)
    published_on = models.DateField()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title
