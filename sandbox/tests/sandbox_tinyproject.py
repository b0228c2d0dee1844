"""A tiny Django project and helpers to pack it the way the worker does."""

from __future__ import annotations

import io
import json
import tarfile
import textwrap

SETTINGS = "tinyshop.settings"

FILES = {
    "manage.py": """\
        #!/usr/bin/env python
        import os
        import sys

        if __name__ == "__main__":
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinyshop.settings")
            from django.core.management import execute_from_command_line

            execute_from_command_line(sys.argv)
        """,
    "pytest.ini": """\
        [pytest]
        DJANGO_SETTINGS_MODULE = tinyshop.settings
        python_files = test_*.py
        testpaths = tests
        """,
    "tinyshop/__init__.py": "",
    "tinyshop/settings.py": """\
        import os

        SECRET_KEY = "dev-only-not-secret"
        DEBUG = False
        ALLOWED_HOSTS = ["*"]
        INSTALLED_APPS = [
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "shop",
        ]
        DATABASES = {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": os.path.join(os.path.dirname(os.path.dirname(__file__)), "db.sqlite3"),
            }
        }
        DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
        USE_TZ = True
        """,
    "shop/__init__.py": "",
    "shop/apps.py": """\
        from django.apps import AppConfig


        class ShopConfig(AppConfig):
            name = "shop"
        """,
    "shop/models.py": """\
        from django.db import models


        class Book(models.Model):
            title = models.CharField(max_length=200)

            def __str__(self):
                return self.title
        """,
    "shop/migrations/__init__.py": "",
    "shop/migrations/0001_initial.py": """\
        from django.db import migrations, models


        class Migration(migrations.Migration):
            initial = True
            dependencies = []
            operations = [
                migrations.CreateModel(
                    name="Book",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("title", models.CharField(max_length=200)),
                    ],
                ),
            ]
        """,
    "shop/util.py": """\
        import os


        def shout(text):
            return text.upper()
        """,
    "tests/__init__.py": "",
    "tests/test_books.py": """\
        import os

        import pytest

        from shop.models import Book


        @pytest.mark.django_db
        def test_create_book():
            Book.objects.create(title="Dune")
            assert Book.objects.count() == 1


        def test_hidden_file_absent():
            assert not os.path.exists("tests_hidden/test_hidden.py")
        """,
}

HIDDEN = {
    "tests_hidden/test_hidden.py": """\
        import pytest

        from shop.models import Book


        @pytest.mark.django_db
        def test_str_is_title():
            assert str(Book(title="Emma")) == "Emma"


        def test_fails_on_purpose():
            assert 1 + 1 == 3
        """,
}

HIDDEN_IDS = [
    "tests_hidden/test_hidden.py::test_str_is_title",
    "tests_hidden/test_hidden.py::test_fails_on_purpose",
]


def dedent_all(files: dict[str, str]) -> dict[str, bytes]:
    return {k: textwrap.dedent(v).encode() for k, v in files.items()}


def manifest(**overrides) -> dict:
    m = {
        "schema": 2,
        "django_settings": SETTINGS,
        "stages": ["learner_tests", "hidden_tests", "lint", "django_check", "migrations"],
        "hidden_ids": list(HIDDEN_IDS),
        "deadline_seconds": 60,
        "output_limit_bytes": 65536,
        "env": {"DATABASE_ENGINE": "sqlite"},
    }
    m.update(overrides)
    return m


def pack(
    manifest_obj: dict,
    learner: dict[str, bytes],
    hidden: dict[str, bytes] | None = None,
    extra_members: list[tarfile.TarInfo] | None = None,
    mutation: dict[str, bytes] | None = None,
) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:

        def add(name, data):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))

        add("manifest.json", json.dumps(manifest_obj).encode())
        for rel, data in sorted(learner.items()):
            add("learner/" + rel, data)
        for rel, data in sorted((hidden or {}).items()):
            add("hidden/" + rel, data)
        for name, data in sorted((mutation or {}).items()):  # reference/... and mutants/NAME/...
            add(name, data)
        for info in extra_members or []:
            tar.addfile(info, io.BytesIO(b"x" * info.size) if info.isreg() else None)
    return buf.getvalue()


def parse_events(stdout: bytes) -> tuple[list[dict], dict]:
    events = [json.loads(line) for line in stdout.decode().splitlines() if line.strip()]
    results = [e for e in events if e.get("event") == "results"]
    assert results, f"no results event in {stdout[-2000:]!r}"
    return events, results[-1]["results"]
