"""Passwords are stored as salted, slow hashes by Django's hashers."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import identify_hasher

PASSWORD = "correct-horse-battery-staple"


def test_registration_stores_a_salted_hash(client, db):
    for username in ("carol", "dave"):
        response = client.post("/accounts/signup/", {"username": username, "password": PASSWORD})
        assert response.status_code in (301, 302, 303), f"Signing up {username} answered {response.status_code}."
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["carol", "dave"])}
    stored = users["carol"].password
    assert PASSWORD not in stored, (
        "The password is stored as typed. Anyone who reads the database or a backup gets every password. "
        "Let Django hash it: create_user() or set_password()."
    )
    try:
        hasher = identify_hasher(stored)
    except ValueError:
        hasher = None
    assert hasher is not None and users["carol"].check_password(PASSWORD), (
        f"The stored value {stored[:24]!r}... is not in Django's hash format (algorithm$...$salt$hash), "
        "so check_password() and login cannot verify it. A bare hashlib digest is fast and unsalted: "
        "use set_password() / create_user(), which use PASSWORD_HASHERS."
    )
    assert stored != users["dave"].password, (
        "Two users with the same password got the same stored hash: it is not salted."
    )
