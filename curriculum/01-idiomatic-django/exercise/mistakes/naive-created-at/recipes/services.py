"""Write operations of the recipes app."""

from datetime import datetime

from django.utils.text import slugify

from recipes.models import Recipe


def unique_slug(title):
    """A slug for ``title`` that no recipe uses yet: "creme-brulee", then "creme-brulee-2", ..."""
    base = slugify(title) or "recipe"
    slug, number = base, 1
    while Recipe.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def recipe_create(*, author, title, servings, ingredients, source_url=""):
    return Recipe.objects.create(
        author=author,
        title=title,
        slug=unique_slug(title),
        servings=servings,
        ingredients=ingredients,
        source_url=source_url,
        created_at=datetime.now(),
    )
