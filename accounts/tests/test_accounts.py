import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import INSTRUCTORS_GROUP, User
from accounts.services import INSTRUCTOR_PERMISSIONS

pytestmark = pytest.mark.django_db


def test_signup_creates_a_learner_and_logs_in(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "username": "ada",
            "email": "ada@example.com",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("course:home")
    user = User.objects.get(username="ada")
    assert (user.email, user.is_instructor, user.is_staff) == ("ada@example.com", False, False)
    assert user.check_password("a-long-pass-phrase")
    assert client.get(reverse("accounts:profile")).status_code == 200


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"username": "ada", "password1": "a-long-pass-phrase", "password2": "different-pass-phrase"},
            "The two password fields didn’t match.",
        ),
        ({"username": "ada", "password1": "123", "password2": "123"}, "This password is too short."),
        (
            {"username": "", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"},
            "This field is required.",
        ),
    ],
)
def test_invalid_signup_shows_errors_and_creates_nobody(client, data, error):
    response = client.post(reverse("accounts:signup"), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert User.objects.count() == 0


def test_login_and_logout(client, learner):
    response = client.post(
        reverse("accounts:login"), {"username": learner.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_password_reset_sends_a_link_to_the_console_backend_by_default(client, learner):
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"  # pytest-django's swap
    response = client.post(reverse("accounts:password_reset"), {"email": learner.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [learner.email]
    assert "/accounts/reset/" in mail.outbox[0].body


def test_default_email_backend_is_the_console():
    from config.settings import base

    assert base.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"


def test_grant_instructor_command(learner, capsys):
    assert learner.is_instructor is False
    call_command("grant_instructor", learner.username)
    learner = User.objects.get(pk=learner.pk)
    assert learner.is_instructor is True
    assert learner.is_staff is True
    assert capsys.readouterr().out == f"{learner.username} is now an instructor.\n"
    group = Group.objects.get(name=INSTRUCTORS_GROUP)
    codenames = set(group.permissions.values_list("codename", flat=True))
    wanted = {(app, codename) for app, names in INSTRUCTOR_PERMISSIONS.items() for codename in names}
    existing = set(Permission.objects.values_list("content_type__app_label", "codename"))
    assert codenames == {codename for app, codename in wanted & existing}


def test_grant_instructor_unknown_user_fails_clearly():
    with pytest.raises(CommandError, match="No user named 'ghost'. Create the account first"):
        call_command("grant_instructor", "ghost")
    assert not Group.objects.get(name=INSTRUCTORS_GROUP).user_set.exists()


def test_instructor_role_and_admin_access(client, instructor, learner):
    client.force_login(instructor)
    assert client.get(reverse("admin:course_lesson_changelist")).status_code == 200
    client.force_login(learner)
    assert client.get(reverse("admin:course_lesson_changelist")).status_code == 302


def test_demo_accounts_command_is_idempotent(capsys):
    call_command("demo_accounts")
    call_command("demo_accounts")
    assert User.objects.filter(username__in=["learner", "instructor"]).count() == 2
    assert User.objects.get(username="instructor").is_instructor
    assert "username: learner     password: learn-django-2026" in capsys.readouterr().out


def run_production_check(extra_env: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", "DJANGO_ALLOWED_HOSTS": "academy.example.com"})
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_production_check({})
    assert result.returncode == 1
    assert "The environment variable DJANGO_SECRET_KEY is required." in result.stderr


def test_production_check_deploy_is_clean():
    result = run_production_check({"DJANGO_SECRET_KEY": "k" * 20 + "-9f8a7s6d5f4g3h2j1k0lqwertyuiopzx"})
    assert result.stderr == ""
    assert result.stdout == "System check identified no issues (0 silenced).\n"
    assert result.returncode == 0


def test_health_endpoint_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_the_admin_covers_every_model(client, django_user_model):
    from django.apps import apps
    from django.contrib import admin

    ours = [
        m for m in apps.get_models() if m._meta.app_label in {"accounts", "course", "exercises", "grader", "instructor"}
    ]
    assert [m.__name__ for m in ours if m not in admin.site._registry] == []
    superuser = django_user_model.objects.create_superuser("root", "root@example.com", "pw-root-123456")
    client.force_login(superuser)
    for model in ours:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, url
