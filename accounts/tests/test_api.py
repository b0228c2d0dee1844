import datetime
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services import api_token_create
from accounts.tests.api import token_client
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # UserFactory's


@pytest.fixture(autouse=True)
def _fresh_throttles():
    from django.core.cache import cache

    cache.clear()


def error(response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def create_token(username: str, password: str = PASSWORD, **extra):
    return APIClient().post(
        reverse("api:token_create"), {"username": username, "password": password, **extra}, format="json"
    )


def test_token_create_shows_the_secret_once_and_stores_only_its_hash(learner):
    response = create_token(learner.username, name="laptop")
    body = response.json()
    token = ApiToken.objects.get()
    assert response.status_code == 201
    assert body["token"].startswith("acd_")
    assert len(body["token"]) == 47
    assert token.key_hash == hashlib.sha256(body["token"].encode()).hexdigest()
    assert (token.user, token.name, token.prefix, token.expires_at, token.last_used_at) == (
        learner,
        "laptop",
        body["token"][4:12],
        None,
        None,
    )
    assert body == {
        "id": token.pk,
        "name": "laptop",
        "token": body["token"],
        "prefix": token.prefix,
        "created_at": token.created_at.isoformat().replace("+00:00", "Z"),
        "expires_at": None,
    }
    assert not ApiToken.objects.filter(key_hash=body["token"]).exists()


def test_token_create_with_expiry(learner):
    response = create_token(learner.username, expires_in_days=30)
    token = ApiToken.objects.get()
    assert response.status_code == 201
    assert token.name == "academy-cli"
    assert token.expires_at - token.created_at == pytest.approx(
        datetime.timedelta(days=30), abs=datetime.timedelta(seconds=1)
    )


def test_wrong_password_gives_401_and_creates_nothing(learner):
    response = create_token(learner.username, password="nope")
    assert error(response) == (401, "invalid_credentials")
    assert response.json()["error"]["message"] == "Wrong username or password."
    assert ApiToken.objects.count() == 0


def test_missing_fields_are_a_validation_error_with_details(learner):
    response = APIClient().post(reverse("api:token_create"), {"expires_in_days": 0}, format="json")
    assert error(response) == (400, "validation_error")
    assert response.json()["error"]["details"] == {
        "username": ["This field is required."],
        "password": ["This field is required."],
        "expires_in_days": ["Ensure this value is greater than or equal to 1."],
    }
    assert ApiToken.objects.count() == 0


def test_token_create_is_throttled_per_client(learner, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token_create": "2/minute"}}
    assert [create_token(learner.username, password="nope").status_code for _ in range(2)] == [401, 401]
    response = create_token(learner.username)
    assert error(response) == (429, "throttled")
    assert 0 < int(response["Retry-After"]) <= 60
    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize("keyword", ["Token", "Bearer", "token"])
def test_me_with_a_token(learner, keyword, django_assert_num_queries):
    client = token_client(learner, keyword=keyword)
    with django_assert_num_queries(1):  # token, user and instructor role in one query
        response = client.get(reverse("api:me"))
    assert response.json() == {
        "id": learner.pk,
        "username": learner.username,
        "email": learner.email,
        "is_instructor": False,
        "date_joined": learner.date_joined.isoformat().replace("+00:00", "Z"),
    }


def test_me_for_an_instructor(instructor):
    assert token_client(instructor).get(reverse("api:me")).json()["is_instructor"] is True


def test_first_use_records_last_used_then_not_again_within_a_minute(learner, django_assert_num_queries):
    token, raw = api_token_create(user=learner, name="cli")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    with django_assert_num_queries(2):  # the lookup and one UPDATE of last_used_at
        client.get(reverse("api:me"))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    with django_assert_num_queries(1):
        client.get(reverse("api:me"))
    token.refresh_from_db()
    assert token.last_used_at == first


def test_no_credentials_is_401_with_a_challenge():
    response = APIClient().get(reverse("api:me"))
    assert error(response) == (401, "not_authenticated")
    assert response["WWW-Authenticate"] == 'Token realm="api"'


@pytest.mark.parametrize("header", ["Token acd_wrong", "Bearer", "Token a b", "Token caf\u00e9"])
def test_bad_tokens_are_refused(learner, header):
    api_token_create(user=learner, name="cli")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert error(client.get(reverse("api:me"))) == (401, "invalid_token")


def test_an_expired_token_says_so(learner):
    token, raw = api_token_create(user=learner, name="old", expires_in=datetime.timedelta(days=1))
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=now - datetime.timedelta(days=2), expires_at=now - datetime.timedelta(seconds=1)
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    response = client.get(reverse("api:me"))
    assert error(response) == (401, "token_expired")
    assert "academy login" in response.json()["error"]["message"]
    token.refresh_from_db()
    assert token.last_used_at is None


def test_the_database_refuses_a_token_expiring_before_its_creation(learner):
    from django.db import IntegrityError, transaction

    token, _ = api_token_create(user=learner, name="cli")
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(expires_at=token.created_at - datetime.timedelta(seconds=1))
    token.refresh_from_db()
    assert token.expires_at is None


def test_a_disabled_account_cannot_use_its_token(learner):
    client = token_client(learner)
    learner.is_active = False
    learner.save()
    assert error(client.get(reverse("api:me"))) == (401, "user_inactive")


def test_a_session_login_is_not_an_api_login(learner_client):
    assert learner_client.get(reverse("api:me")).status_code == 401


def test_token_list_shows_only_your_tokens_without_secrets(learner, django_assert_num_queries):
    client = token_client(learner)
    other, _ = api_token_create(user=learner, name="other laptop")
    api_token_create(user=UserFactory(), name="someone else's")
    with django_assert_num_queries(2):
        response = client.get(reverse("api:token_list"))
    rows = response.json()
    assert [(r["id"], r["name"], r["current"]) for r in rows] == [
        (other.pk, "other laptop", False),
        (client.token.pk, "tests", True),
    ]
    assert all(set(r) == {"id", "name", "prefix", "created_at", "last_used_at", "expires_at", "current"} for r in rows)


def test_revoke_your_token(learner):
    client = token_client(learner)
    response = client.delete(reverse("api:token_revoke", args=[client.token.pk]))
    assert response.status_code == 204
    assert ApiToken.objects.count() == 0
    assert error(client.get(reverse("api:me"))) == (401, "invalid_token")


def test_you_cannot_revoke_someone_elses_token(learner):
    theirs, _ = api_token_create(user=UserFactory(), name="theirs")
    response = token_client(learner).delete(reverse("api:token_revoke", args=[theirs.pk]))
    assert error(response) == (404, "not_found")
    assert ApiToken.objects.filter(pk=theirs.pk).exists()


def test_unknown_api_paths_are_json_404s(learner):
    response = token_client(learner).post("/api/v1/no/such/thing/")
    assert error(response) == (404, "not_found")


def test_wrong_method_is_a_json_405(learner):
    response = token_client(learner).post(reverse("api:me"))
    assert error(response) == (405, "method_not_allowed")


def test_the_openapi_schema_is_served_without_a_token():
    response = APIClient().get(reverse("api:schema"))
    schema = response.json()
    assert response.status_code == 200
    assert schema["openapi"] == "3.0.2"
    assert {(path, method) for path, ops in schema["paths"].items() for method in ops} == {
        ("/api/v1/auth/tokens/", "get"),
        ("/api/v1/auth/tokens/create/", "post"),
        ("/api/v1/auth/tokens/{token_id}/", "delete"),
        ("/api/v1/me/", "get"),
        ("/api/v1/course/", "get"),
        ("/api/v1/exercises/", "get"),
        ("/api/v1/exercises/{slug}/", "get"),
        ("/api/v1/exercises/{slug}/starter/", "get"),
        ("/api/v1/exercises/{slug}/submit/", "post"),
        ("/api/v1/submissions/", "get"),
        ("/api/v1/submissions/{id}/", "get"),
        ("/api/v1/submissions/{id}/status/", "get"),
    }
    assert schema["paths"]["/api/v1/auth/tokens/create/"]["post"]["security"] == []
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
