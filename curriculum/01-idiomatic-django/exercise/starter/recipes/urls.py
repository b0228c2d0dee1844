from django.urls import path

from recipes import views

app_name = "recipes"

urlpatterns = [
    path("recipes/", views.recipe_list, name="recipe_list"),
    path("recipes/new/", views.recipe_create, name="recipe_create"),
    path("recipes/this-week/", views.recipes_this_week, name="recipes_this_week"),
    path("recipes/<slug:slug>/", views.recipe_detail, name="recipe_detail"),
]
