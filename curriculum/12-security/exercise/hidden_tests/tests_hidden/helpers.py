"""Shared fixtures' building blocks for the hidden helpdesk checks (no conftest.py: see the format)."""

import re

from django.contrib.auth import get_user_model
from django.test import Client

TOKEN_RE = re.compile(r'name=["\']csrfmiddlewaretoken["\']\s+value=["\']([^"\']+)["\']')


def make_user(username):
    """A customer who logs in with force_login(): no password hashing, so the checks stay fast."""
    user = get_user_model()(username=username)
    user.set_unusable_password()
    user.save()
    return user


def browser(user=None):
    """A test client that enforces CSRF like a real browser session does."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def csrf_token_in(html):
    match = TOKEN_RE.search(html)
    return match.group(1) if match else None
