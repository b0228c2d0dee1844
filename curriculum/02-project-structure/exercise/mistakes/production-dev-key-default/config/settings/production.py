"""Settings for production. Everything secret or per-site comes from the environment, and a
missing value stops the start-up instead of falling back to a development default."""

import os

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403 - settings modules only


def required_env(name):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable.")
    return value


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-deploy")
DEBUG = False
ALLOWED_HOSTS = [host.strip() for host in required_env("DJANGO_ALLOWED_HOSTS").split(",") if host.strip()]

SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
