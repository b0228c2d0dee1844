"""Settings for the storefront project.

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
    "django.contrib.staticfiles",
    "shop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]

ROOT_URLCONF = "storefront.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    },
]
WSGI_APPLICATION = "storefront.wsgi.application"


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
            "NAME": os.environ.get("DATABASE_NAME", "storefront"),
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

# Static files. Sources live in static/ (and each app's static/); `collectstatic` copies them
# to STATIC_ROOT (not in git) under content-hashed names listed in staticfiles.json, so
# browsers and CDNs can cache them forever. The web server (or a CDN) serves STATIC_ROOT.
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATICFILES_STORAGE = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
