from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.generic import DetailView

from recipes import services
from recipes.forms import RecipeForm
from recipes.models import Recipe

RECIPES_PER_PAGE = 12


def recipe_list(request):
    recipes = Recipe.objects.select_related("author").order_by("-created_at", "-pk")
    page = Paginator(recipes, RECIPES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "recipes/recipe_list.html", {"page": page})


def recipes_this_week(request):
    since = timezone.now() - timedelta(hours=168)
    recipes = Recipe.objects.filter(created_at__gt=since).select_related("author").order_by("-created_at", "-pk")
    return render(request, "recipes/recipes_this_week.html", {"recipes": recipes})


class RecipeDetailView(DetailView):
    queryset = Recipe.objects.select_related("author")
    template_name = "recipes/recipe_detail.html"


recipe_detail = RecipeDetailView.as_view()


@login_required
def recipe_create(request):
    form = RecipeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        recipe = services.recipe_create(author=request.user, **form.cleaned_data)
        messages.success(request, "Recipe saved.")
        return redirect(recipe)
    return render(request, "recipes/recipe_form.html", {"form": form})
