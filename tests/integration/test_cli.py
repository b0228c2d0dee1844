"""The `academy` CLI as a real subprocess against a live server, a real Celery worker and the real sandbox."""

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache

from accounts.models import ApiToken
from accounts.services import api_token_hash
from exercises.models import Submission
from exercises.tests.archives import tree_members
from tests.probe import PROBE_EXERCISE

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CLI_SRC = Path(__file__).resolve().parents[2] / "cli" / "src"
PASSWORD = "correct-horse-battery"  # UserFactory's
HIDDEN_MESSAGE = "assert 21 == 42"


@pytest.fixture
def home(tmp_path):
    cache.clear()  # throttle counters live in the live server's (in-process) cache
    return tmp_path


def academy(home: Path, *args: str, cwd: Path | None = None, stdin: str | None = None):
    env = {**os.environ, "PYTHONPATH": str(CLI_SRC), "ACADEMY_CONFIG": str(home / "config" / "academy.json")}
    env.pop("ACADEMY_SERVER", None)
    return subprocess.run(
        [sys.executable, "-m", "academy_cli", *args],
        cwd=cwd or home, env=env, input=stdin, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def login(home: Path, server: str, username: str):
    result = academy(home, "login", "--server", server, "--username", username, "--password-stdin", stdin=PASSWORD)
    assert result.returncode == 0, result.stderr
    return result


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_login_download_test_submit_history_logout(celery_worker, live_server, learner, probe_exercise, home):
    result = login(home, live_server.url, learner.username)
    config_file = home / "config" / "academy.json"
    saved = json.loads(config_file.read_text())
    assert f"Logged in to {live_server.url} as {learner.username}" in result.stdout
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
    token = ApiToken.objects.get(user=learner)
    assert (saved["server"], saved["token_id"], token.key_hash) == (
        live_server.url,
        token.pk,
        api_token_hash(saved["token"]),
    )

    listing = academy(home, "exercises")
    assert listing.returncode == 0
    assert listing.stdout.splitlines()[1].split() == [
        "probe",
        "Probe:",
        "double",
        "a",
        "number",
        "-",
        "0",
        "-",
        "not",
        "started",
    ]

    result = academy(home, "download", "probe")
    work = home / "probe"
    assert result.returncode == 0, result.stderr
    assert files_under(work) == set(tree_members(PROBE_EXERCISE / "starter")) | {".academy.json"}
    again = academy(home, "download", "probe")
    assert (again.returncode, "already exists and is not empty: use --force" in again.stderr) == (2, True)

    # The visible checks in the grading image: the starter's own test fails, the rest passes.
    local = academy(home, "test", cwd=work)
    assert local.returncode == 1, local.stdout + local.stderr
    assert "in academy-grader:latest" in local.stderr
    # Stage statuses depend on the machine's load (the exercise's wall clock applies here too).
    stages = [line.split()[1] for line in local.stdout.splitlines() if line.endswith(" s)")]
    assert stages == ["learner_tests", "lint", "django_check", "migrations"]  # never the hidden tests
    assert "Some visible checks fail." in local.stdout

    # The starter as it is: 60 points, with each failure's hint and lesson link, no hidden message.
    starter = academy(home, "submit", cwd=work)
    assert starter.returncode == 1, starter.stderr
    assert "Submission #1 of probe" in starter.stdout
    assert "score 60/100" in starter.stdout
    assert "   FAIL  0/30  double(21) is 42 (hidden)" in starter.stdout
    assert f"lesson: {live_server.url}/lessons/probe/#doubling" in starter.stdout
    assert HIDDEN_MESSAGE not in starter.stdout
    assert "queued (position" in starter.stderr or "grading:" in starter.stderr
    assert "Rate limit: 9 of 10 submissions left" in starter.stderr

    # The reference solution, with junk that must not be packed: full marks, exit 0, --json.
    caches = shutil.ignore_patterns("__pycache__", ".*_cache")  # left in the fixture by local tool runs
    shutil.copytree(PROBE_EXERCISE / "solution", work, dirs_exist_ok=True, ignore=caches)
    (work / ".venv" / "lib").mkdir(parents=True)
    (work / ".venv" / "lib" / "site.py").write_text("x = 1\n")
    (work / "probe" / "__pycache__").mkdir(exist_ok=True)
    (work / "probe" / "__pycache__" / "logic.cpython-311.pyc").write_bytes(b"\0")
    (work / "db.sqlite3").write_bytes(b"SQLite")
    (work / "big.bin").write_bytes(b"\0" * (1024 * 1024 + 1))
    (work / ".gitignore").write_text("notes/\n*.log\n")
    (work / "notes").mkdir()
    (work / "notes" / "todo.md").write_text("secret plans\n")
    (work / "debug.log").write_text("noise\n")
    solution = academy(home, "submit", "--json", cwd=work)
    assert solution.returncode == 0, solution.stdout + solution.stderr
    document = json.loads(solution.stdout)
    assert set(document) == {"schema", "submission", "feedback", "full_marks", "rate_limit", "skipped"}
    assert (document["schema"], document["full_marks"], document["rate_limit"]["remaining"]) == (1, True, 8)
    submission = document["submission"]
    assert (submission["number"], submission["status"], submission["verdict"], submission["score"]) == (
        2,
        "graded",
        "passed",
        100.0,
    )
    assert [c["passed"] for c in document["feedback"]["checks"]] == [True] * 6
    assert document["skipped"] == [
        {"path": ".venv/", "reason": "a virtualenv"},
        {"path": "notes/", "reason": "listed in .gitignore"},
        {"path": "big.bin", "reason": "larger than 1 MiB (1024 KiB)"},
        {"path": "db.sqlite3", "reason": "a local database"},
        {"path": "debug.log", "reason": "listed in .gitignore"},
        {"path": "probe/__pycache__/", "reason": "bytecode"},
    ]
    stored = Submission.objects.get(pk=submission["id"])
    assert (stored.user, stored.status, str(stored.score)) == (learner, "graded", "100.00")

    history = academy(home, "history", "probe")
    assert [line.split()[:2] for line in history.stdout.splitlines()[1:]] == [
        ["2", str(submission["id"])],
        ["1", str(submission["id"] - 1)],
    ]
    status = academy(home, "status", "--json")
    assert (status.returncode, json.loads(status.stdout)["submission"]["id"]) == (0, submission["id"])

    logout = academy(home, "logout")
    assert logout.returncode == 0, logout.stderr
    assert ApiToken.objects.filter(user=learner).count() == 0
    assert "token" not in json.loads(config_file.read_text())
    after = academy(home, "exercises")
    assert (after.returncode, after.stderr.strip()) == (
        2,
        f"academy: not logged in to {live_server.url}: run `academy login`",
    )


def test_a_refused_archive_prints_the_servers_reason(live_server, learner, probe_exercise, home):
    login(home, live_server.url, learner.username)
    work = home / "no-manage"
    (work / "app").mkdir(parents=True)
    (work / "app" / "models.py").write_text("")
    human = academy(home, "submit", "--exercise", "probe", cwd=work)
    assert (human.returncode, human.stderr.splitlines()[-1]) == (
        1,
        "academy: the server refused the archive: "
        "No manage.py at the top of the archive: archive the project folder itself.",
    )
    machine = academy(home, "submit", "--exercise", "probe", "--json", cwd=work)
    assert machine.returncode == 1
    assert json.loads(machine.stdout)["error"]["code"] == "archive_rejected"
    assert Submission.objects.count() == 0


def test_clear_errors_for_an_unreachable_server_an_expired_token_and_bad_credentials(
    live_server, learner, probe_exercise, home
):
    wrong = academy(home, "login", "--server", live_server.url, "--username", learner.username, "--password-stdin",
                    stdin="wrong")  # fmt: skip
    assert (wrong.returncode, wrong.stderr.strip()) == (2, "academy: Wrong username or password.")
    assert not (home / "config" / "academy.json").exists()

    login(home, live_server.url, learner.username)
    ApiToken.objects.filter(user=learner).update(expires_at="2000-01-01T00:00:00Z", created_at="1999-01-01T00:00:00Z")
    expired = academy(home, "exercises", "--json")
    assert expired.returncode == 2
    assert json.loads(expired.stdout)["error"]["code"] == "token_expired"

    unreachable = academy(home, "login", "--server", "http://127.0.0.1:9", "--username", "x", "--password-stdin",
                          stdin="y")  # fmt: skip
    assert unreachable.returncode == 2
    assert unreachable.stderr.startswith("academy: cannot reach the server at http://127.0.0.1:9")
