from django import forms

from recipes.models import Recipe


class RecipeForm(forms.ModelForm):
    # assume_scheme: "example.com/soup" becomes "https://example.com/soup" (Django 6's default).
    source_url = forms.URLField(required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Recipe
        fields = ["title", "servings", "ingredients", "source_url"]
