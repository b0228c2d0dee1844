"""Hidden checks on the project's structure: which app imports what, AppConfigs, URL namespaces.

The import checks read the source with ``ast`` (nothing is executed): every module of an app,
except its tests and migrations.
"""

import ast
import importlib
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.urls import NoReverseMatch, reverse

APPS = ("catalog", "orders", "billing")
ROOT = Path(importlib.import_module("catalog").__file__).resolve().parent.parent


def app_modules(app):
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = path.relative_to(ROOT / app).parts
        if parts[0] in ("tests", "migrations") or path.name.startswith("test"):
            continue
        yield path


def imports_of(app):
    """(file, line, imported module) for every absolute import in the app's own modules."""
    found = []
    for path in app_modules(app):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(path, node.lineno, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.append((path, node.lineno, node.module))
                # "from catalog import views" imports the module catalog.views
                found += [(path, node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def cross_app_imports(app):
    result = []
    for path, line, module in imports_of(app):
        target = module.split(".")[0]
        if target in APPS and target != app:
            result.append((f"{path.relative_to(ROOT)}:{line}", module))
    return sorted(set(result))


def show(found):
    return "\n".join(f"  {where}: import {module}" for where, module in found)


def test_no_app_imports_another_apps_views():
    bad = [item for app in APPS for item in cross_app_imports(app) if ".views" in item[1]]
    assert not bad, (
        "An app imports another app's views. Views are the HTTP edge of their own app; helpers that other apps "
        "need belong in that app's services or selectors (or a models method), never in views.py:\n" + show(bad)
    )
    from catalog.models import Author, Book
    from catalog.services import price_with_vat

    book = Book(title="Dune", author=Author(name="F. Herbert"), net_price=Decimal("10.00"), vat_rate=Decimal("0.060"))
    assert str(price_with_vat(book)) == "10.60", "catalog.services.price_with_vat(book) must return 10.60 here."


def test_catalog_depends_on_no_other_app():
    found = cross_app_imports("catalog")
    assert not found, (
        "catalog is the lowest layer: orders and billing use books, the catalogue knows nothing about them. "
        "A figure about invoices (like a book's revenue) is billing's business: move it to billing/selectors.py.\n"
        + show(found)
    )


def test_app_dependencies_have_no_cycle():
    graph = {app: {module.split(".")[0] for _, module in cross_app_imports(app)} for app in APPS}

    def cycle_from(start):
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in sorted(graph[node]):
                if nxt == start:
                    return path + [start]
                if nxt not in path:
                    stack.append((nxt, path + [nxt]))
        return None

    cycles = [cycle for app in APPS if (cycle := cycle_from(app))]
    assert not cycles, (
        "The apps import each other in a circle: " + " -> ".join(cycles[0]) + ". Dependencies between apps must go "
        "one way (here catalog <- billing <- orders), or the apps are one app in several folders.\n"
        f"Imports between apps: {graph}"
    )


def test_orders_use_billing_services_not_models():
    found = [item for item in cross_app_imports("orders") if item[1].split(".")[:2] == ["billing", "models"]]
    found += [item for item in cross_app_imports("orders") if item[1].split(".")[:2] == ["billing", "utils"]]
    assert not found, (
        "orders creates billing's rows itself. Call another app through its services and selectors "
        "(billing.services.invoice_create), so billing's rules (numbering, totals) stay in one place:\n" + show(found)
    )


def test_each_app_has_its_own_app_config():
    missing = []
    for app in APPS:
        config = apps.get_app_config(app)
        if type(config).__module__ != f"{app}.apps" or config.default_auto_field != "django.db.models.BigAutoField":
            missing.append(f"{app} (got {type(config).__module__}.{type(config).__name__})")
    assert not missing, (
        "Every app declares its AppConfig in <app>/apps.py (name, default_auto_field, verbose_name); Django "
        "otherwise makes up a default one. Missing: " + ", ".join(missing)
    )


def test_urls_are_namespaced():
    wanted = {"catalog:book_list": "/catalog/books/", "orders:checkout": "/orders/checkout/"}
    got = {}
    for name in wanted:
        try:
            got[name] = reverse(name)
        except NoReverseMatch:
            got[name] = None
    assert got == wanted, (
        "Each app's urls.py sets app_name, so its URL names live in a namespace ('catalog:book_list') and never "
        f"clash with another app's. Expected {wanted}, got {got}."
    )
