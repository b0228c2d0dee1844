"""Visible tests for the storefront. Run them with ``pytest``; the hidden tests go further."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings

from shop.models import Book


@pytest.fixture
def collected(tmp_path):
    """Run collectstatic into a temporary STATIC_ROOT, as the deploy does, and serve pages from it."""
    root = tmp_path / "staticfiles"
    with override_settings(STATIC_ROOT=root, STORAGES={**settings.STORAGES}, DEBUG=False):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield root


@pytest.fixture
def dune(db):
    return Book.objects.create(title="Dune", slug="dune", price=Decimal("9.99"), published_on=date(1965, 8, 1))


def test_collectstatic_writes_a_manifest(collected):
    paths = json.loads((collected / "staticfiles.json").read_text())["paths"]
    assert paths["css/site.css"].startswith("css/site.")


def test_home_links_hashed_css(collected, dune, client):
    html = client.get("/").content.decode()
    assert "/static/css/site.css" not in html
    assert "/static/css/site." in html


def test_book_page_renders(collected, dune, client):
    response = client.get("/books/dune/")
    assert response.status_code == 200
    assert "1 August 1965" in response.content.decode()
