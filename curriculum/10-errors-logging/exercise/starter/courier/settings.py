"""Settings for the courier project (a parcel service's API).

Everything that differs between machines comes from environment variables:

- DJANGO_SECRET_KEY, DJANGO_DEBUG ("1" turns debug on);
- DATABASE_ENGINE: unset or "sqlite" for SQLite (tests use an in-memory database),
  "mssql" for SQL Server with DATABASE_NAME, DATABASE_HOST, DATABASE_PORT,
  DATABASE_USER and DATABASE_PASSWORD.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-deploy")
DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "rest_framework",
    "parcels",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]

ROOT_URLCONF = "courier.urls"
WSGI_APPLICATION = "courier.wsgi.application"


def _database_from_env():
    engine = os.environ.get("DATABASE_ENGINE", "sqlite").strip().lower()
    if engine in ("", "sqlite"):
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
        }
    if engine == "mssql":
        return {
            "ENGINE": "mssql",
            "NAME": os.environ.get("DATABASE_NAME", "courier"),
            "HOST": os.environ.get("DATABASE_HOST", "localhost"),
            "PORT": os.environ.get("DATABASE_PORT", "1433"),
            "USER": os.environ.get("DATABASE_USER", ""),
            "PASSWORD": os.environ.get("DATABASE_PASSWORD", ""),
            "OPTIONS": {
                "driver": "ODBC Driver 18 for SQL Server",
                "extra_params": "TrustServerCertificate=yes",
            },
        }
    raise ImproperlyConfigured(f"DATABASE_ENGINE must be 'sqlite' or 'mssql', not {engine!r}")


DATABASES = {"default": _database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

REST_FRAMEWORK = {
    # No login in this exercise: the API is open (and so needs no session or CSRF).
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # One error format for every endpoint: {"error": {"code": ..., "status": ..., "details": ...}}.
    "EXCEPTION_HANDLER": "parcels.api.errors.api_exception_handler",
}

# The carrier's rate API (an external service).
CARRIER_API_URL = os.environ.get("CARRIER_API_URL", "https://rates.carrier.example/v1/quote")
CARRIER_TIMEOUT_SECONDS = float(os.environ.get("CARRIER_TIMEOUT_SECONDS", "5"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # ContextFormatter appends the extra= fields (tracking_code=...): a plain format string would drop them.
    "formatters": {
        "plain": {
            "class": "courier.logformat.ContextFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
