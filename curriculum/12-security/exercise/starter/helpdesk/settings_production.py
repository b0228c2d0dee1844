"""Production settings: the development settings, hardened.

Run ``DJANGO_SETTINGS_MODULE=helpdesk.settings_production python manage.py check --deploy``
in CI: it must print no warning.

Required environment: DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS (comma-separated host
names), and the DATABASE_* variables.
"""

import os

from helpdesk.settings import *  # noqa: F403

# TODO(secret-key): production must never fall back to the development key that is in the
# repository: read DJANGO_SECRET_KEY from the environment and fail loudly when it is missing.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-deploy")

# TODO(secret-key): debug pages show settings, SQL and source code to anyone.
DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"

ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "*").split(",")

# TODO(https): HTTPS only. Redirect plain HTTP to HTTPS, turn on HSTS, and mark the session
# and CSRF cookies Secure. `check --deploy` lists what is still missing.
