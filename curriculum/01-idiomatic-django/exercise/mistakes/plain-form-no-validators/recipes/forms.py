from django import forms


class RecipeForm(forms.Form):
    title = forms.CharField(max_length=120)
    servings = forms.IntegerField()
    ingredients = forms.CharField(widget=forms.Textarea)
    source_url = forms.URLField(required=False, assume_scheme="https", max_length=200)
