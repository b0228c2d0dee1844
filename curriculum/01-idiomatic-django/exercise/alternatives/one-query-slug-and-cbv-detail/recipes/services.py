"""Write operations of the recipes app."""

from itertools import count

from django.utils.text import slugify

from recipes.models import Recipe


def unique_slug(title):
    """A slug for ``title`` that no recipe uses yet: "creme-brulee", then "creme-brulee-2", ..."""
    base = slugify(title) or "recipe"
    # One query for every slug that could collide, then the first free candidate.
    taken = set(Recipe.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    candidates = (base if number == 1 else f"{base}-{number}" for number in count(1))
    return next(slug for slug in candidates if slug not in taken)


def recipe_create(*, author, title, servings, ingredients, source_url=""):
    return Recipe.objects.create(
        author=author,
        title=title,
        slug=unique_slug(title),
        servings=servings,
        ingredients=ingredients,
        source_url=source_url,
    )
