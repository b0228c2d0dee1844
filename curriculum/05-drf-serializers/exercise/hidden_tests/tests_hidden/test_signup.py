"""Hidden checks for POST /api/signup/: what it accepts, what it stores, what it returns."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

User = get_user_model()
URL = "/api/signup/"
PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 is slow on purpose; tests hash with MD5 (still a hash, never the raw password)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api(db):
    return APIClient()


def test_signup_returns_exact_public_fields(api):
    response = api.post(URL, {"username": "ada", "email": "ada@example.com", "password": PASSWORD}, format="json")
    assert response.status_code == 201, f"Sign-up must answer 201, got {response.status_code}: {response.content!r}"
    user = User.objects.get(username="ada")
    body = response.json()
    assert body == {"id": user.pk, "username": "ada", "email": "ada@example.com"}, (
        "The sign-up response must contain exactly id, username and email. The password (or its hash: "
        "'pbkdf2_sha256$...'), is_staff, is_superuser, last_login and the other User columns must never leave "
        "the server. Mark the password write_only, and answer with a separate output serializer that lists "
        f"its fields.\nGot: {body!r}"
    )


def test_signup_hashes_the_password(api):
    response = api.post(URL, {"username": "grace", "email": "grace@example.com", "password": PASSWORD}, format="json")
    assert response.status_code == 201, f"Sign-up must answer 201, got {response.status_code}: {response.content!r}"
    user = User.objects.get(username="grace")
    assert user.password != PASSWORD and user.check_password(PASSWORD), (
        "The password was stored as typed, not as a salted hash: anyone who reads the table can log in as this "
        "user. A ModelSerializer's save() calls User.objects.create(password=...), which stores the raw string. "
        "Let the view pass validated_data to a service that uses create_user() (or set_password())."
    )
    assert PASSWORD not in response.content.decode(), "The response echoes the password back."


def test_signup_applies_password_validators(api):
    response = api.post(URL, {"username": "alan", "email": "alan@example.com", "password": "short1"}, format="json")
    assert response.status_code == 400, (
        "A 6-character password must be refused with 400: the project's AUTH_PASSWORD_VALIDATORS ask for 10 "
        f"characters. Got {response.status_code}: {response.content!r}"
    )
    assert response.json() == {"password": ["This password is too short. It must contain at least 10 characters."]}, (
        "The error must sit on the password field and carry Django's own message. Call "
        "django.contrib.auth.password_validation.validate_password() in validate_password() and turn its Django "
        f"ValidationError into a serializers.ValidationError.\nGot: {response.json()!r}"
    )
    assert not User.objects.filter(username="alan").exists(), "A refused sign-up must not create the user."


def test_signup_normalises_and_deduplicates_email(api):
    User.objects.create_user(username="existing", email="linus@example.com", password=PASSWORD)
    body = {"username": "mixed", "email": "Katherine@Example.COM", "password": PASSWORD}
    response = api.post(URL, body, format="json")
    assert response.status_code == 201, f"Got {response.status_code}: {response.content!r}"
    assert response.json()["email"] == "katherine@example.com", (
        "The e-mail must be stored and returned in lower case: validate_email() returns the cleaned value."
    )
    taken = api.post(URL, {"username": "linus2", "email": "LINUS@example.com", "password": PASSWORD}, format="json")
    assert taken.status_code == 400 and taken.json() == {"email": ["An account with this e-mail already exists."]}, (
        "An e-mail that differs only in case from an existing account's must be refused with 400 and the error "
        "{'email': ['An account with this e-mail already exists.']}. Compare case-insensitively (email__iexact).\n"
        f"Got {taken.status_code}: {taken.content!r}"
    )
    # An account created before the rule (or by the admin) may hold an e-mail with capitals.
    User.objects.create_user(username="grace", email="Grace@Example.COM", password=PASSWORD)
    again = api.post(URL, {"username": "grace2", "email": "grace@example.com", "password": PASSWORD}, format="json")
    assert again.status_code == 400 and again.json() == {"email": ["An account with this e-mail already exists."]}, (
        "An existing account stored as 'Grace@Example.COM' already owns grace@example.com: lower-casing the new "
        "address is not enough, the lookup itself must ignore case (email__iexact).\n"
        f"Got {again.status_code}: {again.content!r}"
    )
    missing = api.post(URL, {"username": "nomail", "password": PASSWORD}, format="json")
    assert missing.status_code == 400 and missing.json() == {"email": ["This field is required."]}, (
        "The e-mail is required (User.email is blank=True in the model, so declare the field on the serializer).\n"
        f"Got {missing.status_code}: {missing.content!r}"
    )
