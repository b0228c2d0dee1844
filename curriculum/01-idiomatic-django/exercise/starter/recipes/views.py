"""The cookbook's views.

They were written before anyone on the team had read Django's documentation. Every TODO
below is something Django (or Python) already does better: see README.md.
"""

import json
import re
from datetime import datetime, timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from recipes.models import Recipe

RECIPES_PER_PAGE = 12
URL_PATTERN = re.compile(r"^[a-z]+:.+$")


# TODO(built-ins-first): hand-rolled pagination crashes on ?page=abc and shows empty pages.
def recipe_list(request):
    page_number = int(request.GET.get("page", 1))
    recipes = Recipe.objects.order_by("-created_at", "-pk")
    start = (page_number - 1) * RECIPES_PER_PAGE
    page = recipes[start : start + RECIPES_PER_PAGE]
    return render(
        request,
        "recipes/recipe_list.html",
        {"recipes": page, "page_number": page_number, "has_next": recipes.count() > start + RECIPES_PER_PAGE},
    )


# TODO(django-conventions): a naive datetime, and the filtering happens in Python.
def recipes_this_week(request):
    Since = datetime.now() - timedelta(days=7)
    recent = []
    for r in Recipe.objects.all():
        if r.created_at.replace(tzinfo=None) >= Since:
            recent.append(r)
    return render(request, "recipes/recipes_this_week.html", {"recipes": recent})


# TODO(django-conventions): a missing recipe answers 200, and the bare except hides bugs.
def recipe_detail(request, slug):
    try:
        recipe = Recipe.objects.get(slug=slug)
    except:
        return HttpResponse("Sorry, this recipe does not exist.")
    flash = request.session.pop("flash", None)
    return render(request, "recipes/recipe_detail.html", {"recipe": recipe, "flash": flash})


# TODO(built-ins-first): validation by hand, a home-made slug and URL check, a flash message
#   in the session, and a naive datetime. A ModelForm, slugify(), the messages framework and
#   timezone.now() do all of this.
@login_required
def recipe_create(request, errors=[]):
    errors.clear()
    if request.method == "POST":
        title = request.POST.get("title", "")
        servings = request.POST.get("servings", "")
        ingredients = request.POST.get("ingredients", "")
        source_url = request.POST.get("source_url", "")
        if title == "":
            errors.append("The title is required.")
        if int(servings) < 1:
            errors.append("Servings must be at least 1.")
        if source_url != "" and URL_PATTERN.match(source_url) == None:
            errors.append("The source must be a URL.")
        if len(errors) == 0:
            recipe = Recipe.objects.create(
                author=request.user,
                title=title,
                slug=title.lower().replace(" ", "-"),
                servings=int(servings),
                ingredients=ingredients,
                source_url=source_url,
                created_at=datetime.now(),
            )
            request.session["flash"] = "Recipe saved."
            return HttpResponseRedirect("/recipes/" + recipe.slug + "/")
    return render(request, "recipes/recipe_form.html", {"errors": errors, "data": request.POST})
