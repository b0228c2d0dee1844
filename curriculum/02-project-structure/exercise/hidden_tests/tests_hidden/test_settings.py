"""Hidden checks on the settings split: base shared, local for development, production from the environment."""

import importlib
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "prod-secret-7f3a9c2e",
    "DJANGO_ALLOWED_HOSTS": "shop.example.com,www.shop.example.com",
    "DATABASE_ENGINE": "mssql",
    "DATABASE_NAME": "bookshop_prod",
    "DATABASE_HOST": "sql.internal",
    "DATABASE_PORT": "1433",
    "DATABASE_USER": "shop",
    "DATABASE_PASSWORD": "s3cret-db",
}
ALL_VARS = [*PRODUCTION_ENV, "DJANGO_DEBUG"]


def load(module, monkeypatch, env):
    """Import a settings module afresh (with its base) under ``env``; returns its names as a dict."""
    for name in ALL_VARS:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for name in [m for m in sys.modules if m.startswith("config.settings.")]:
        monkeypatch.delitem(sys.modules, name)
    return vars(importlib.import_module(module))


def test_production_settings_read_the_environment(monkeypatch):
    try:
        prod = load("config.settings.production", monkeypatch, PRODUCTION_ENV)
    except ModuleNotFoundError as error:
        pytest.fail(f"config/settings/production.py is missing ({error}).")
    db = prod["DATABASES"]["default"]
    got = {
        "DEBUG": prod.get("DEBUG"),
        "SECRET_KEY": prod.get("SECRET_KEY"),
        "ALLOWED_HOSTS": prod.get("ALLOWED_HOSTS"),
        "DATABASE": (db.get("ENGINE"), db.get("NAME"), db.get("HOST"), db.get("USER"), db.get("PASSWORD")),
    }
    wanted = {
        "DEBUG": False,
        "SECRET_KEY": "prod-secret-7f3a9c2e",
        "ALLOWED_HOSTS": ["shop.example.com", "www.shop.example.com"],
        "DATABASE": ("mssql", "bookshop_prod", "sql.internal", "shop", "s3cret-db"),
    }
    assert got == wanted, (
        "config.settings.production must take everything secret or per-site from the environment: "
        "DEBUG off, SECRET_KEY from DJANGO_SECRET_KEY, ALLOWED_HOSTS from the comma-separated "
        f"DJANGO_ALLOWED_HOSTS, the database from DATABASE_*.\nExpected {wanted}\nGot      {got}"
    )
    assert "catalog" in prod.get("INSTALLED_APPS", []), "production must reuse base's INSTALLED_APPS."


def test_production_refuses_to_start_without_secrets(monkeypatch):
    for missing in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"):
        env = {name: value for name, value in PRODUCTION_ENV.items() if name != missing}
        try:
            prod = load("config.settings.production", monkeypatch, env)
        except (ImproperlyConfigured, KeyError):
            continue
        except ModuleNotFoundError as error:
            pytest.fail(f"config/settings/production.py is missing ({error}).")
        pytest.fail(
            f"With {missing} unset, production started anyway (SECRET_KEY={prod.get('SECRET_KEY')!r}, "
            f"ALLOWED_HOSTS={prod.get('ALLOWED_HOSTS')!r}). A production server must refuse to start rather than "
            "run with a development key or an open host list: read it with os.environ[...] or raise "
            "ImproperlyConfigured."
        )


def test_local_settings_build_on_base(monkeypatch):
    try:
        base = load("config.settings.base", monkeypatch, {})
    except ModuleNotFoundError as error:
        pytest.fail(f"config/settings/base.py is missing ({error}): shared settings live there.")
    local = load("config.settings.local", monkeypatch, {})
    assert local["DEBUG"] is True and local["SECRET_KEY"], "Local development runs with DEBUG on and a dev key."
    assert local["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert local["INSTALLED_APPS"] == base["INSTALLED_APPS"] and local["MIDDLEWARE"] == base["MIDDLEWARE"], (
        "local.py must import the shared settings from base.py (from config.settings.base import *) instead of "
        "repeating them."
    )
    assert "DEBUG" not in base or base["DEBUG"] is False, (
        "base.py holds what every environment shares; DEBUG = True belongs in local.py only."
    )
    quiet = load("config.settings.local", monkeypatch, {"DJANGO_DEBUG": "0"})
    assert quiet["DEBUG"] is False, "DJANGO_DEBUG=0 turns debug off in local settings."
