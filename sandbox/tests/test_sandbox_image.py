"""Integration tests: the real academy-grader image, run the way the worker runs it."""

import os
import socket
import textwrap
import time

import pytest
import sandbox_tinyproject as tiny

docker = pytest.importorskip("docker")

IMAGE = os.environ.get("ACADEMY_GRADER_IMAGE", "academy-grader:latest")

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client():
    try:
        c = docker.from_env()
        c.ping()
    except Exception as err:  # noqa: BLE001
        pytest.skip(f"docker is not reachable: {err}")
    try:
        c.images.get(IMAGE)
    except docker.errors.ImageNotFound:
        pytest.skip(f"image {IMAGE} is missing: build it with `make sandbox-image` (sandbox/build.sh)")
    return c


def run_in_container(client, data, *, mem="768m", wall=120, environment=None):
    """Start a hardened container, stream the tar on stdin, collect stdout (JSON lines)."""
    container = client.containers.create(
        IMAGE,
        stdin_open=True,
        read_only=True,
        tmpfs={"/work": "size=64m,mode=1777", "/tmp": "size=64m,mode=1777"},  # noqa: S108 - in the container
        user="1000:1000",
        network_mode="none",
        cap_drop=["ALL"],
        security_opt=["no-new-privileges"],
        pids_limit=256,
        mem_limit=mem,
        memswap_limit=mem,
        environment=environment or {},
    )
    out, err = bytearray(), bytearray()
    start = time.monotonic()
    try:
        sock = container.attach_socket(params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1})
        sock._sock.settimeout(wall)
        container.start()
        sock._sock.sendall(data)
        sock._sock.shutdown(socket.SHUT_WR)
        for stream, chunk in docker.utils.socket.frames_iter(sock, False):
            (out if stream == 1 else err).extend(chunk)
        status = container.wait(timeout=wall)
    finally:
        container.remove(force=True)
    wall_time = time.monotonic() - start
    assert status["StatusCode"] == 0, err.decode(errors="replace")
    events, results = tiny.parse_events(bytes(out))
    return events, results, wall_time


def stages_by_name(results):
    return {s["name"]: s for s in results["stages"]}


SPY = textwrap.dedent(
    """\
    import os, shutil, time
    for _ in range(2000):
        if os.path.exists("tests_hidden/test_hidden.py"):
            shutil.copy("tests_hidden/test_hidden.py", "stolen.txt")
            break
        time.sleep(0.01)
    """
)

LEARNER_EXTRA = {
    # Learner lint settings that would hide every finding: the course config ignores them.
    "ruff.toml": """\
        [lint]
        select = []
        ignore = ["ALL"]
        """,
    ".gitignore": "*\n",
    # A learner conftest that turns every failure into a pass: only its own tests are affected.
    "conftest.py": """\
        import pytest


        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_makereport(item, call):
            outcome = yield
            outcome.get_result().outcome = "passed"
        """,
    "tests/test_tamper.py": f"""\
        import subprocess
        import sys

        SPY = {SPY!r}


        def test_leaves_a_spy_behind():
            # A detached process in its own session that waits for the hidden tests.
            subprocess.Popen([sys.executable, "-c", SPY], start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


        def test_cannot_forge_runner_stdout():
            forged = '{{"event": "results", "results": {{"schema": 1, "forged": true}}}}\\n'
            try:
                with open("/proc/1/fd/1", "w") as fh:
                    fh.write(forged)
                reached = True
            except OSError:
                reached = False
            assert not reached
        """,
}

HIDDEN_EXTRA = {
    "tests_hidden/test_spy.py": """\
        import os


        def test_no_spy_copied_the_hidden_tests():
            assert not os.path.exists("stolen.txt")
        """,
}


def test_full_run_exact_results(client):
    files = tiny.dedent_all({**tiny.FILES, **LEARNER_EXTRA})
    hidden = tiny.dedent_all({**tiny.HIDDEN, **HIDDEN_EXTRA})
    hidden_ids = [*tiny.HIDDEN_IDS, "tests_hidden/test_spy.py::test_no_spy_copied_the_hidden_tests"]
    data = tiny.pack(tiny.manifest(hidden_ids=hidden_ids), files, hidden)
    events, results, _ = run_in_container(client, data)

    names = ["learner_tests", "hidden_tests", "lint", "django_check", "migrations"]
    expected_events = []
    statuses = {"learner_tests": "passed", "hidden_tests": "failed", "lint": "failed",
                "django_check": "passed", "migrations": "passed"}  # fmt: skip
    for name in names:
        expected_events.append({"event": "stage", "stage": name, "state": "started"})
        expected_events.append({"event": "stage", "stage": name, "state": "finished", "status": statuses[name]})
    assert events[:-1] == expected_events
    assert [e["event"] for e in events].count("results") == 1  # nothing forged reached stdout

    stages = stages_by_name(results)
    assert [s["name"] for s in results["stages"]] == names
    assert {n: s["status"] for n, s in stages.items()} == statuses
    assert {n: s["exit_code"] for n, s in stages.items()} == {
        "learner_tests": 0, "hidden_tests": 1, "lint": 1, "django_check": 0, "migrations": 0,
    }  # fmt: skip

    outcomes = [(t["stage"], t["id"], t["outcome"]) for t in results["tests"]]
    assert outcomes == [
        ("learner_tests", "tests/test_books.py::test_create_book", "passed"),
        ("learner_tests", "tests/test_books.py::test_hidden_file_absent", "passed"),
        ("learner_tests", "tests/test_tamper.py::test_leaves_a_spy_behind", "passed"),
        ("learner_tests", "tests/test_tamper.py::test_cannot_forge_runner_stdout", "passed"),
        ("hidden_tests", "tests_hidden/test_hidden.py::test_str_is_title", "passed"),
        ("hidden_tests", "tests_hidden/test_hidden.py::test_fails_on_purpose", "failed"),
        ("hidden_tests", "tests_hidden/test_spy.py::test_no_spy_copied_the_hidden_tests", "passed"),
    ]
    failed = next(t for t in results["tests"] if t["outcome"] == "failed")
    assert failed["message"] == "assert (1 + 1) == 3"

    # Only the learner's code is linted (hidden files are gone again), with the course config.
    assert [f for f in results["lint"] if f["path"] != "tests/test_tamper.py"] == [
        {"path": "shop/util.py", "line": 1, "column": 8, "code": "F401", "message": "`os` imported but unused"}
    ]
    assert {(f["line"], f["code"]) for f in results["lint"] if f["path"] == "tests/test_tamper.py"} == {
        (4, "E501"),  # the long SPY string
        (9, "S603"),  # subprocess call
    }
    assert results["collection_errors"] == []
    assert results["truncated"] == {"tests": False, "lint": False}
    assert results["internal_error"] is None


def test_spy_control_without_kill_all(client):
    """Control for the test above: with the kill between stages switched off, the spy left by
    the learner's tests does copy the hidden file (so the assertion above has teeth)."""
    files = tiny.dedent_all({**tiny.FILES, **LEARNER_EXTRA})
    hidden = tiny.dedent_all({**tiny.HIDDEN, **HIDDEN_EXTRA})
    m = tiny.manifest(
        stages=["learner_tests", "hidden_tests"],
        hidden_ids=["tests_hidden/test_spy.py::test_no_spy_copied_the_hidden_tests"],
    )
    _, results, _ = run_in_container(client, tiny.pack(m, files, hidden), environment={"ACADEMY_KILL_ALL": "0"})
    hidden_outcomes = [t["outcome"] for t in results["tests"] if t["stage"] == "hidden_tests"]
    assert hidden_outcomes == ["failed"]


def test_timeout_names_the_running_test(client):
    files = tiny.dedent_all(
        {
            **tiny.FILES,
            "tests/test_spin.py": """\
                def test_quick():
                    assert True


                def test_spin():
                    while True:
                        pass
                """,
        }
    )
    m = tiny.manifest(stages=["learner_tests", "lint"], deadline_seconds=8)
    events, results, wall = run_in_container(client, tiny.pack(m, files))
    stages = stages_by_name(results)
    assert stages["learner_tests"]["status"] == "timeout"
    assert stages["learner_tests"]["current_test"] == "tests/test_spin.py::test_spin"
    assert stages["lint"]["status"] == "skipped"
    assert ("learner_tests", "tests/test_spin.py::test_quick", "passed") in [
        (t["stage"], t["id"], t["outcome"]) for t in results["tests"]
    ]
    assert wall < 20


def test_memory_kill_is_reported(client):
    files = tiny.dedent_all(
        {
            **tiny.FILES,
            "tests/test_hog.py": """\
                def test_hog():
                    hog = []
                    while True:
                        hog.append(bytearray(16 * 1024 * 1024))
                """,
        }
    )
    m = tiny.manifest(stages=["learner_tests", "django_check"])
    _, results, _ = run_in_container(client, tiny.pack(m, files), mem="256m")
    stages = stages_by_name(results)
    assert stages["learner_tests"]["status"] == "memory"
    assert stages["django_check"]["status"] == "passed"  # the runner survived and went on


def test_collection_error_in_the_container(client):
    files = tiny.dedent_all(tiny.FILES)
    files["shop/views.py"] = b"from shop.models import Missing\n"
    files["tests/test_views.py"] = b"from shop.views import Missing\n\n\ndef test_x():\n    assert Missing\n"
    m = tiny.manifest(stages=["learner_tests"])
    _, results, _ = run_in_container(client, tiny.pack(m, files))
    assert results["stages"][0]["status"] == "error"
    assert results["collection_errors"] == [
        {
            "path": "shop/views.py",
            "line": 1,
            "message": "ImportError: cannot import name 'Missing' from 'shop.models' (/work/shop/models.py)",
            "stage": "learner_tests",
        }
    ]


def test_mssql_lint_renders_offline_in_the_container(client):
    # No network, no server: mssql-django renders the T-SQL in collect-sql mode inside the image.
    from test_sandbox_mssql_lint import MIGRATION_0002, SERVICES, project

    files = project(**{"shop/migrations/0002_hazards.py": MIGRATION_0002, "shop/services.py": SERVICES})
    m = tiny.manifest(stages=["mssql_lint", "lint"], hidden_ids=[])
    _, results, _ = run_in_container(client, tiny.pack(m, files))
    stages = stages_by_name(results)
    assert (stages["mssql_lint"]["status"], stages["mssql_lint"]["exit_code"]) == ("failed", 0), stages["mssql_lint"][
        "output"
    ]
    assert [(f["severity"], f["rule"], f["path"], f["line"]) for f in results["mssql"]] == [
        ("error", "max-key", "shop/migrations/0002_hazards.py", None),
        ("error", "filter-not-or", "shop/migrations/0002_hazards.py", None),
        ("warning", "nullable-unique", "shop/migrations/0002_hazards.py", None),
        ("warning", "param-limit", "shop/services.py", 5),
        ("unverifiable", "unverifiable", "shop/migrations/0002_hazards.py", None),
        ("unverifiable", "unverifiable", "shop/migrations/0002_hazards.py", None),
    ]
    assert results["truncated"]["mssql"] is False
    assert results["internal_error"] is None
