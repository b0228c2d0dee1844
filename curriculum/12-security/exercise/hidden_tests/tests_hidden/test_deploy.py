"""helpdesk.settings_production: secrets from the environment and a clean check --deploy."""

import importlib
import sys

from django.core import checks
from django.test.utils import override_settings

MODULE = "helpdesk.settings_production"
PROD_KEY = "k3v!Pq9#zX2m@Lr7^tW5$yB8&nC4*hJ6(dF1)gS0-aQe_uRo+iTp=lYw"
HOSTS = "helpdesk.example.com"


def load(monkeypatch, **env):
    """Import the production settings module afresh with the given environment."""
    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", HOSTS)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop(MODULE, None)
    try:
        return importlib.import_module(MODULE)
    finally:
        sys.modules.pop(MODULE, None)


def test_secret_key_comes_from_environment(monkeypatch):
    module = load(monkeypatch, DJANGO_SECRET_KEY=PROD_KEY)
    assert module.SECRET_KEY == PROD_KEY, (
        f"With DJANGO_SECRET_KEY set, {MODULE}.SECRET_KEY must be that value."
    )
    try:
        without = load(monkeypatch)
    except Exception:  # noqa: BLE001 - KeyError, ImproperlyConfigured...: any loud failure is right
        return
    assert not getattr(without, "SECRET_KEY", None), (
        f"Without DJANGO_SECRET_KEY, {MODULE} still has a SECRET_KEY ({without.SECRET_KEY[:12]!r}...). "
        "A default key in the repository signs every session and reset link of a forgotten deployment: "
        "production must refuse to start without the variable (os.environ[...] raises KeyError)."
    )


def test_allowed_hosts_come_from_environment(monkeypatch):
    module = load(
        monkeypatch, DJANGO_SECRET_KEY=PROD_KEY, DJANGO_ALLOWED_HOSTS="desk-7.example.org, help-3.example.net"
    )
    hosts = list(getattr(module, "ALLOWED_HOSTS", None) or [])
    assert hosts == ["desk-7.example.org", "help-3.example.net"], (
        "DJANGO_ALLOWED_HOSTS='desk-7.example.org, help-3.example.net' must become exactly "
        "['desk-7.example.org', 'help-3.example.net']: split on commas and strip the spaces (a host "
        f"' help-3.example.net' with its space never matches a request). Got {hosts!r}"
    )
    monkeypatch.delenv("DJANGO_ALLOWED_HOSTS", raising=False)
    sys.modules.pop(MODULE, None)
    try:
        without = importlib.import_module(MODULE)
    except Exception:  # noqa: BLE001 - refusing to start is right
        return
    finally:
        sys.modules.pop(MODULE, None)
    fallback = list(getattr(without, "ALLOWED_HOSTS", None) or [])
    assert "*" not in fallback and not any(host.startswith(".") and len(host) <= 1 for host in fallback), (
        f"Without DJANGO_ALLOWED_HOSTS, {MODULE}.ALLOWED_HOSTS is {fallback!r}. '*' accepts any Host header, "
        "which lets an attacker put their own host into password-reset links and poisons caches. Refuse to "
        "start (or allow no host at all) when the variable is missing."
    )


def test_production_settings_force_https(monkeypatch):
    module = load(monkeypatch, DJANGO_SECRET_KEY=PROD_KEY, DJANGO_DEBUG="1")
    names = ("DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")
    found = {name: getattr(module, name, None) for name in names}
    wrong = []
    if found["DEBUG"] is not False:
        wrong.append("DEBUG must be False, whatever DJANGO_DEBUG says (debug pages show settings and source)")
    if not found["SECURE_SSL_REDIRECT"]:
        wrong.append("SECURE_SSL_REDIRECT must be True (redirect plain HTTP to HTTPS)")
    if not isinstance(found["SECURE_HSTS_SECONDS"], int) or found["SECURE_HSTS_SECONDS"] <= 0:
        wrong.append("SECURE_HSTS_SECONDS must be a positive number of seconds (HSTS)")
    if found["SESSION_COOKIE_SECURE"] is not True:
        wrong.append("SESSION_COOKIE_SECURE must be True (never send the session over plain HTTP)")
    if found["CSRF_COOKIE_SECURE"] is not True:
        wrong.append("CSRF_COOKIE_SECURE must be True")
    assert not wrong, f"{MODULE} with DJANGO_DEBUG=1 in the environment:\n- " + "\n- ".join(wrong) + f"\nGot {found}"


def test_check_deploy_reports_nothing(monkeypatch):
    module = load(monkeypatch, DJANGO_SECRET_KEY=PROD_KEY)
    values = {name: getattr(module, name) for name in dir(module) if name.isupper()}
    relevant = {
        name: value
        for name, value in values.items()
        if name.startswith(("SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_"))
        or name in ("DEBUG", "SECRET_KEY", "SECRET_KEY_FALLBACKS", "ALLOWED_HOSTS", "MIDDLEWARE", "X_FRAME_OPTIONS")
    }
    with override_settings(**relevant):
        messages = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    problems = [f"{m.id}: {m.msg}" for m in messages if m.level >= checks.WARNING and not m.is_silenced()]
    assert not problems, (
        f"`manage.py check --deploy` with {MODULE} reports:\n- " + "\n- ".join(problems)
    )
