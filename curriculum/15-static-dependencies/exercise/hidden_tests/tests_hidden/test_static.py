"""Hidden checks: ManifestStaticFilesStorage, collectstatic and {% static %} in templates."""

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils.module_loading import import_string

from shop.models import Book

PROJECT = Path(settings.BASE_DIR)
HASHED = r"[0-9a-f]{12}"


@pytest.fixture
def collected(tmp_path):
    """collectstatic into a temporary STATIC_ROOT with the project's own storage settings."""
    root = tmp_path / "staticfiles"
    with override_settings(STATIC_ROOT=root, STORAGES={**settings.STORAGES}, DEBUG=False):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield root


@pytest.fixture
def dune(db):
    return Book.objects.create(title="Dune", slug="dune", price=Decimal("9.99"), published_on=date(1965, 8, 1))


def storage_backend():
    backend = settings.STORAGES.get("staticfiles", {}).get("BACKEND", "")
    try:
        return import_string(backend)
    except ImportError:
        return None


def test_storages_use_manifest():
    backend = storage_backend()
    assert backend is not None and issubclass(backend, ManifestStaticFilesStorage), (
        f"STORAGES['staticfiles'] is {settings.STORAGES.get('staticfiles')!r}. Use Django's "
        "ManifestStaticFilesStorage: collectstatic then stores each file under a content-hashed name, so a "
        "changed file gets a new URL and browsers can cache every file forever. (Django 5.2 configures this "
        "in STORAGES; the old STATICFILES_STORAGE setting is gone.)"
    )
    root = getattr(settings, "STATIC_ROOT", None)
    assert root, "STATIC_ROOT is not set: collectstatic needs a directory to collect into."
    sources = [Path(d).resolve() for d in settings.STATICFILES_DIRS]
    assert Path(root).resolve() not in sources, "STATIC_ROOT must be a separate output directory, not a source folder."


def test_collectstatic_writes_hashed_files(collected):
    manifest = collected / "staticfiles.json"
    assert manifest.exists(), (
        "collectstatic wrote no staticfiles.json: the storage is not ManifestStaticFilesStorage, or STATIC_ROOT "
        "is not where collectstatic wrote."
    )
    paths = json.loads(manifest.read_text())["paths"]
    for source in ("css/site.css", "img/logo.svg", "js/basket.js"):
        hashed = paths.get(source, "")
        assert re.fullmatch(rf"{Path(source).parent}/{Path(source).stem}\.{HASHED}{Path(source).suffix}", hashed), (
            f"The manifest maps {source!r} to {hashed!r}; expected a content-hashed name such as "
            f"{Path(source).stem}.0123456789ab{Path(source).suffix}. Are the sources in static/ (STATICFILES_DIRS)?"
        )
        assert (collected / hashed).exists()
    css = (collected / paths["css/site.css"]).read_text()
    assert paths["img/logo.svg"].split("/")[-1] in css, (
        "The collected site.css still points at the unhashed logo: the manifest storage rewrites url(...) in "
        "CSS to the hashed names, as long as the CSS uses relative url() paths."
    )


def test_templates_use_static_tag(collected, dune, client):
    hard_coded = []
    for template in sorted((PROJECT / "templates").rglob("*.html")):
        for number, line in enumerate(template.read_text().splitlines(), start=1):
            if re.search(r"""(?:src|href)\s*=\s*["']/?static/""", line):
                hard_coded.append(f"{template.relative_to(PROJECT)}:{number}: {line.strip()}")
    assert not hard_coded, (
        "Templates hard-code /static/ paths, which bypass the hashed names (and a CDN's STATIC_URL). "
        "Use {% load static %} and {% static 'css/site.css' %}:\n" + "\n".join(hard_coded)
    )
    with override_settings(STATIC_ROOT=collected, STORAGES={**settings.STORAGES}, DEBUG=False):
        html = client.get("/").content.decode()
    for source in ("css/site", "img/logo", "js/basket"):
        assert re.search(rf'/static/{source}\.{HASHED}\.(css|svg|js)"', html), (
            f"The home page does not link the hashed {source} file. With the manifest storage, "
            "{% static %} emits names such as /static/css/site.0123456789ab.css."
        )


def test_pages_render_with_manifest(collected, dune, client):
    backend = storage_backend()
    assert backend is not None and issubclass(backend, ManifestStaticFilesStorage), (
        "This check renders the pages the way production does, with ManifestStaticFilesStorage: configure it in "
        "STORAGES first (the plain storage never notices a static path that does not exist)."
    )
    with override_settings(STATIC_ROOT=collected, STORAGES={**settings.STORAGES}, DEBUG=False):
        try:
            home = client.get("/")
            book = client.get("/books/dune/")
        except ValueError as exc:
            pytest.fail(
                f"A page failed to render: {exc}. With the manifest storage and DEBUG off, {{% static %}} raises "
                "for a path missing from the manifest: a typo in a template is a 500 in production. Check every "
                "{% static %} path against the files in static/."
            )
    assert home.status_code == 200 and book.status_code == 200
    assert "Dune" in book.content.decode() and "1 August 1965" in book.content.decode()
