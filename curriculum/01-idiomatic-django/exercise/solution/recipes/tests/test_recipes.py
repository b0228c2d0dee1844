"""Visible tests for the cookbook. Run them with ``pytest``."""

import pytest
from django.contrib.auth import get_user_model

from recipes.models import Recipe

User = get_user_model()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cook(db):
    return User.objects.create_user(username="julia", password="a-long-passphrase")


def new_recipe(**changes):
    data = {"title": "Tomato soup", "servings": "4", "ingredients": "Tomatoes\nSalt", "source_url": ""}
    data.update(changes)
    return data


def test_create_recipe(client, cook):
    client.force_login(cook)
    response = client.post("/recipes/new/", new_recipe())
    assert response.status_code == 302
    assert Recipe.objects.get().slug == "tomato-soup"


def test_recipe_page(client, cook):
    Recipe.objects.create(author=cook, title="Soup", slug="soup", servings=2, ingredients="Water")
    response = client.get("/recipes/soup/")
    assert response.status_code == 200
    assert "Soup" in response.content.decode()


def test_missing_recipe_is_404(client, db):
    assert client.get("/recipes/nothing-here/").status_code == 404


def test_slug_without_accents(client, cook):
    client.force_login(cook)
    client.post("/recipes/new/", new_recipe(title="Crème brûlée"))
    assert Recipe.objects.get().slug == "creme-brulee"


def test_page_that_is_not_a_number(client, db):
    assert client.get("/recipes/?page=abc").status_code == 200
