"""Production settings: the development settings, hardened.

Run ``DJANGO_SETTINGS_MODULE=helpdesk.settings_production python manage.py check --deploy``
in CI: it must print no warning.

Required environment: DJANGO_SECRET_KEY (no default: a missing key must stop the start-up),
DJANGO_ALLOWED_HOSTS (comma-separated host names), and the DATABASE_* variables.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from helpdesk.settings import *  # noqa: F403


def _required(name):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set in production.")
    return value


SECRET_KEY = _required("DJANGO_SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = [host.strip() for host in _required("DJANGO_ALLOWED_HOSTS").split(",") if host.strip()]

# HTTPS only: redirect plain HTTP, tell browsers to remember it (HSTS), and never send the
# session or CSRF cookie over plain HTTP.
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
