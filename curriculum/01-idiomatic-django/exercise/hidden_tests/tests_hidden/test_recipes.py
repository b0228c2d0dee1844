"""Hidden checks: the cookbook's pages behave the way Django's built-ins would make them behave."""

import re
import warnings
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recipes.models import Recipe

User = get_user_model()
CREATE_URL = "/recipes/new/"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cook(db):
    return User.objects.create_user(username="julia", password="a-long-passphrase")


@pytest.fixture
def client_as_cook(cook):
    client = Client(raise_request_exception=False)
    client.force_login(cook)
    return client


def recipe(author, title, created_at=None, **kwargs):
    values = {"servings": 4, "ingredients": "Salt", "slug": re.sub(r"\W+", "-", title.lower()).strip("-")}
    values.update(kwargs)
    if created_at is not None:
        values["created_at"] = created_at
    return Recipe.objects.create(author=author, title=title, **values)


def form_data(**changes):
    data = {"title": "Tomato soup", "servings": "4", "ingredients": "Tomatoes\nSalt", "source_url": ""}
    data.update(changes)
    return data


def titles_on(client, url):
    return re.findall(r"Dish \d\d", client.get(url).content.decode())


def test_missing_recipe_is_404(db):
    response = Client(raise_request_exception=False).get("/recipes/no-such-recipe/")
    assert response.status_code == 404, (
        f"GET /recipes/no-such-recipe/ answered {response.status_code}. A missing object is a 404: "
        "get_object_or_404() does it in one line, instead of try/except around .get() (and never a bare except, "
        "which also swallows real bugs)."
    )


def test_list_paginates_like_django(cook):
    now = timezone.now()
    for i in range(30):
        recipe(cook, f"Dish {i:02d}", created_at=now - timedelta(hours=30 - i))
    client = Client(raise_request_exception=False)
    newest_first = [f"Dish {i:02d}" for i in range(29, -1, -1)]
    assert titles_on(client, "/recipes/") == newest_first[:12], "Page 1 shows the 12 newest recipes, newest first."
    assert titles_on(client, "/recipes/?page=3") == newest_first[24:], "Page 3 shows the last 6 of 30 recipes."
    for page, expected, why in [
        ("abc", newest_first[:12], "a page that is not a number shows the first page"),
        ("99", newest_first[24:], "a page past the end shows the last page"),
        ("-1", newest_first[24:], "a negative page shows the last page"),
    ]:
        response = client.get(f"/recipes/?page={page}")
        assert response.status_code == 200 and titles_on(client, f"/recipes/?page={page}") == expected, (
            f"GET /recipes/?page={page} answered {response.status_code}: {why}. Hand-rolled int() and slicing get "
            "this wrong; django.core.paginator.Paginator(...).get_page() handles every case."
        )


def test_slug_comes_from_slugify(client_as_cook):
    response = client_as_cook.post(CREATE_URL, form_data(title="Crème Brûlée, the real one!"))
    assert response.status_code == 302, f"A valid recipe must be saved and redirect, got {response.status_code}"
    slugs = list(Recipe.objects.values_list("slug", flat=True))
    assert slugs == ["creme-brulee-the-real-one"], (
        "The slug of 'Crème Brûlée, the real one!' must be 'creme-brulee-the-real-one': ASCII, lower case, no "
        "punctuation. Hand-made lower().replace() keeps the accents, the comma and the '!'; Django already ships "
        f"a slugify() for this. Got {slugs}."
    )
    assert response["Location"] == "/recipes/creme-brulee-the-real-one/", (
        "After saving, redirect to the new recipe's page (redirect(recipe) uses get_absolute_url())."
    )


def test_slug_is_unique(client_as_cook):
    for _ in range(3):
        response = client_as_cook.post(CREATE_URL, form_data(title="Pancakes"))
        assert response.status_code == 302, f"Every valid recipe must be saved, got {response.status_code}"
    slugs = sorted(Recipe.objects.values_list("slug", flat=True))
    assert slugs == ["pancakes", "pancakes-2", "pancakes-3"], (
        "Three recipes called 'Pancakes' need three different slugs: pancakes, pancakes-2, pancakes-3. "
        f"Got {slugs}."
    )


def test_slug_ignores_slugs_that_only_start_with_the_title(client_as_cook, cook):
    recipe(cook, "Pancakes with syrup", slug="pancakes-with-syrup")
    recipe(cook, "Pancakes 2 ways", slug="pancakes-2-ways")
    response = client_as_cook.post(CREATE_URL, form_data(title="Pancakes"))
    assert response.status_code == 302, f"A valid recipe must be saved, got {response.status_code}"
    slug = Recipe.objects.get(title="Pancakes").slug
    assert slug == "pancakes", (
        "'pancakes' is free: 'pancakes-with-syrup' and 'pancakes-2-ways' only start with it. Ask whether the "
        f"exact slug is taken, not how many slugs start with the title. Got {slug!r}."
    )


def test_slug_is_free_after_a_duplicate_was_deleted(client_as_cook, cook):
    for _ in range(3):
        assert client_as_cook.post(CREATE_URL, form_data(title="Pancakes")).status_code == 302
    Recipe.objects.filter(slug="pancakes-2").delete()
    taken = set(Recipe.objects.values_list("slug", flat=True))
    response = client_as_cook.post(CREATE_URL, form_data(title="Pancakes"))
    assert response.status_code == 302, (
        f"With pancakes and pancakes-3 left, a new 'Pancakes' crashed ({response.status_code}): counting the "
        "existing recipes gives pancakes-3 again. Try candidate slugs until one is free."
    )
    new = Recipe.objects.exclude(slug__in=taken).get().slug
    assert re.fullmatch(r"pancakes-\d+", new), f"Expected a free pancakes-N slug, got {new!r}."


def test_form_validates_the_input(client_as_cook):
    cases = [
        (form_data(servings="0"), "servings", "Ensure this value is greater than or equal to 1."),
        (form_data(servings="51"), "servings", "Ensure this value is less than or equal to 50."),
        (form_data(servings="four"), "servings", "Enter a whole number."),
        (form_data(title=""), "title", "This field is required."),
        (form_data(ingredients="   "), "ingredients", "This field is required."),
    ]
    for data, field, message in cases:
        response = client_as_cook.post(CREATE_URL, data)
        html = response.content.decode()
        assert response.status_code == 200 and message in html, (
            f"Posting {field}={data[field]!r} must show the form again (200) with Django's message {message!r}, "
            f"got {response.status_code}. A ModelForm validates with the model's validators and knows these "
            "messages; hand-written checks on request.POST crash on 'four' and forget limits."
        )
        assert f'value="{data["title"]}"' in html or not data["title"], "Redisplay the form with what was typed."
    assert not Recipe.objects.exists(), "An invalid recipe was saved."


def test_source_url_is_validated(client_as_cook):
    for bad in ["javascript:alert(document.cookie)", "not a url", "ftp//missing-colon.example"]:
        response = client_as_cook.post(CREATE_URL, form_data(source_url=bad))
        assert response.status_code == 200 and "Enter a valid URL." in response.content.decode(), (
            f"source_url={bad!r} must be refused with Django's 'Enter a valid URL.' (URLField / URLValidator "
            f"accept http(s) and ftp(s) only), got {response.status_code}."
        )
    assert not Recipe.objects.exists(), "A recipe with an invalid source URL was saved."
    response = client_as_cook.post(CREATE_URL, form_data(source_url="https://example.com/soup"))
    assert response.status_code == 302 and Recipe.objects.get().source_url == "https://example.com/soup"


def test_success_message_uses_messages_framework(client_as_cook):
    response = client_as_cook.post(CREATE_URL, form_data())
    sent = [str(message) for message in get_messages(response.wsgi_request)]
    assert sent == ["Recipe saved."], (
        "After saving, tell the user with Django's messages framework: messages.success(request, 'Recipe saved.'). "
        f"Hand-made session keys are not messages. Messages sent: {sent}"
    )
    page = client_as_cook.get(response["Location"]).content.decode()
    assert "Recipe saved." in page, "The recipe page shows the message once (the base template lists messages)."
    again = client_as_cook.get(response["Location"]).content.decode()
    assert "Recipe saved." not in again, "A message is shown once, then gone."


def test_created_at_is_timezone_aware(client_as_cook):
    before = timezone.now()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        response = client_as_cook.post(CREATE_URL, form_data())
    assert response.status_code == 302, (
        f"Saving a recipe failed ({response.status_code}). With warnings turned into errors, a naive datetime "
        "(datetime.now() or utcnow()) saved while USE_TZ = True raises 'received a naive datetime'. Use "
        "django.utils.timezone.now(), or let the field's default set it."
    )
    created = Recipe.objects.get().created_at
    assert timezone.is_aware(created) and before <= created <= timezone.now(), (
        f"created_at must be the aware moment of saving, got {created!r}."
    )


def noon_somewhere():
    """A fixed-offset zone where it is about noon now: a window that starts at a midnight (a
    date-based "this week") then differs from the last 168 hours by about half a day."""
    offset = 12 - timezone.now().hour  # -11 .. +12 hours from UTC
    return f"Etc/GMT{-offset:+d}" if offset else "UTC"  # Etc/GMT-3 is UTC+3


def test_this_week_filters_in_the_database_with_aware_now(cook, settings):
    settings.TIME_ZONE = "America/New_York"
    now = timezone.now()
    recipe(cook, "Dish 01", created_at=now - timedelta(days=6, hours=20))
    recipe(cook, "Dish 02", created_at=now - timedelta(days=7, hours=3))
    recipe(cook, "Dish 03", created_at=now - timedelta(minutes=5))
    recipe(cook, "Dish 04", created_at=now - timedelta(days=30))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with CaptureQueriesContext(connection) as queries:
            response = Client(raise_request_exception=False).get("/recipes/this-week/")
    assert response.status_code == 200, (
        f"/recipes/this-week/ failed ({response.status_code}): comparing with a naive datetime.now() raises "
        "'received a naive datetime' when warnings are errors. Use timezone.now()."
    )
    shown = re.findall(r"Dish \d\d", response.content.decode())
    assert shown == ["Dish 03", "Dish 01"], (
        f"'This week' means the last 7 days, newest first: expected ['Dish 03', 'Dish 01'], got {shown}."
    )
    filtered = [q["sql"] for q in queries.captured_queries if re.search(r"WHERE.*created_at", q["sql"], re.S)]
    assert filtered, (
        "The recipes were filtered in Python after loading every row: let the database do it with "
        "filter(created_at__gte=...).\n" + "\n".join(q["sql"][:200] for q in queries.captured_queries)
    )


def test_this_week_is_exactly_the_last_168_hours(cook, settings):
    settings.TIME_ZONE = noon_somewhere()
    now = timezone.now()
    recipe(cook, "Dish 01", created_at=now - timedelta(hours=168) + timedelta(minutes=3))
    recipe(cook, "Dish 02", created_at=now - timedelta(hours=168) - timedelta(minutes=3))
    recipe(cook, "Dish 03", created_at=now - timedelta(hours=167))
    recipe(cook, "Dish 04", created_at=now - timedelta(hours=169))
    response = Client(raise_request_exception=False).get("/recipes/this-week/")
    assert response.status_code == 200, f"/recipes/this-week/ failed ({response.status_code})."
    shown = re.findall(r"Dish \d\d", response.content.decode())
    assert shown == ["Dish 03", "Dish 01"], (
        "'The last 7 days' is the last 168 hours counted from now, whatever the hour: a recipe from 167 hours "
        "and 57 minutes ago is in, one from 168 hours and 3 minutes ago is out. Expected ['Dish 03', 'Dish 01'], "
        f"got {shown} (a window that starts at a midnight, or at 6 or 8 days, includes or drops the wrong ones)."
    )
