"""Write operations of the recipes app."""

from django.utils.text import slugify

from recipes.models import Recipe


def unique_slug(title):
    """A slug for ``title`` that no recipe uses yet: "creme-brulee", then "creme-brulee-2", ..."""
    base = slugify(title) or "recipe"
    taken = Recipe.objects.filter(slug__startswith=base).count()
    return f"{base}-{taken + 1}" if taken else base


def recipe_create(*, author, title, servings, ingredients, source_url=""):
    return Recipe.objects.create(
        author=author,
        title=title,
        slug=unique_slug(title),
        servings=servings,
        ingredients=ingredients,
        source_url=source_url,
    )
