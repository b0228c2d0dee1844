"""End to end: upload → Redis → a real Celery worker → a real Docker sandbox → feedback."""

import docker
import pytest
from django.conf import settings
from django.urls import reverse

from exercises.archive import ArchiveRejected
from exercises.models import Submission
from exercises.tests.archives import make_zip, tree_members
from tests.integration.conftest import CANARY, grading_containers, submit, wait_graded
from tests.probe import PROBE_EXERCISE

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SOLUTION = PROBE_EXERCISE / "solution"
STARTER = PROBE_EXERCISE / "starter"
HOSTILE_TEST = "probe/tests/test_hostile.py"
DOUBLE = "tests_hidden/test_hidden.py::test_double_of_21_is_42"
ITEM = "tests_hidden/test_hidden.py::test_item_round_trips_through_the_database"


def project(base, overlay=None) -> bytes:
    return make_zip(tree_members(base, overlay))


def checks(submission) -> dict:
    return {c["key"]: (c["passed"], c["points"]) for c in submission.results["checks"]}


def learner_test(submission, name) -> dict:
    return next(t for t in submission.results["tests"] if t["id"] == f"{HOSTILE_TEST}::{name}")


def test_reference_solution_gets_full_marks_and_the_starter_useful_feedback(
    celery_worker, learner, probe_exercise, client
):
    solution = submit(user=learner, exercise=probe_exercise, data=project(SOLUTION))
    starter = submit(user=learner, exercise=probe_exercise, data=project(STARTER))
    solution, starter = wait_graded([solution, starter])

    image_id = docker.from_env().images.get(settings.GRADER_IMAGE).id
    assert (solution.status, solution.verdict, str(solution.score), solution.image_id) == (
        "graded",
        "passed",
        "100.00",
        image_id,
    )
    assert [s["name"] for s in solution.results["stages"]] == [
        "learner_tests",
        "hidden_tests",
        "lint",
        "django_check",
        "migrations",
    ]
    assert all(s["status"] == "passed" for s in solution.results["stages"]), solution.results["stages"]

    assert (starter.verdict, str(starter.score), starter.counts_as_attempt) == ("failed", "60.00", True)
    assert checks(starter) == {
        "learner_tests": (False, 0.0),
        DOUBLE: (False, 0.0),
        ITEM: (True, 30.0),
        "lint": (True, 10.0),
        "django_check": (True, 10.0),
        "migrations": (True, 10.0),
    }
    client.force_login(learner)
    html = client.get(reverse("exercises:submission", args=[starter.pk])).content.decode()
    assert "Multiply by two; return the value rather than printing it." in html
    assert f'href="{reverse("course:lesson", args=["probe"])}#doubling"' in html
    assert "assert 21 == 42" not in html  # a hidden test's message never reaches the learner
    assert "60.00 / 100" in html
    assert grading_containers() == []


HOSTILE = {
    "infinite_loop": {HOSTILE_TEST: "def test_spin():\n    while True:\n        pass\n"},
    "sleep_forever": {HOSTILE_TEST: "import time\n\n\ndef test_nap():\n    time.sleep(10**6)\n"},
    "fork_bomb": {HOSTILE_TEST: "import os\n\n\ndef test_fork_bomb():\n    while True:\n        os.fork()\n"},
    "memory_bomb": {
        HOSTILE_TEST: (
            "def test_hog():\n    hoard = []\n    while True:\n        hoard.append(bytearray(32 * 1024 * 1024))\n"
        )
    },
    "disk_fill": {
        HOSTILE_TEST: (
            "def test_fill():\n    with open('fill.bin', 'wb') as f:\n        while True:\n"
            "            f.write(b'x' * (1024 * 1024))\n            f.flush()\n"
        )
    },
    "output_flood": {
        HOSTILE_TEST: (
            "import sys\n\n\ndef test_flood():\n    for _ in range(8):\n        sys.stdout.write('x' * (1024 * 1024))\n"
            "    raise AssertionError('flooded')\n"
        )
    },
    "network": {
        HOSTILE_TEST: (
            "import socket\n\n\ndef test_network():\n    names = sorted(name for _, name in socket.if_nameindex())\n"
            "    try:\n        socket.getaddrinfo('example.com', 443)\n        dns = 'resolved'\n"
            "    except OSError:\n        dns = 'dns-failed'\n    raise AssertionError(f'interfaces={names} {dns}')\n"
        )
    },
    "read_env": {
        HOSTILE_TEST: (
            "import os\n\n\ndef test_env():\n    raise AssertionError('ENV=' + ','.join(sorted(os.environ)))\n"
        )
    },
    "conftest_tamper": {
        "conftest.py": (
            "import pytest\n\n\n@pytest.hookimpl(hookwrapper=True)\ndef pytest_runtest_makereport(item, call):\n"
            "    outcome = yield\n    outcome.get_result().outcome = 'passed'\n"
        )
    },
    "pytest_ini_tamper": {
        "pytest.ini": (
            "[pytest]\nDJANGO_SETTINGS_MODULE = probe_site.settings\n"
            "addopts = -p no:academy_report -k nothing_matches\n"
            "python_functions = nothing_matches\n"
        )
    },
    "os_exit": {"probe/logic.py": "import os\n\n\ndef double(x: int) -> int:\n    os._exit(0)\n"},
    # Rewrites every test report to "passed" from inside the pytest process that runs the hidden
    # tests. No sandbox can stop code in that process; the static scan flags it for review.
    "forged_report": {
        "probe/logic.py": (
            "from _pytest.reports import TestReport\n\n_build = TestReport.from_item_and_call\n\n\n"
            "def _passed(cls, item, call):\n    report = _build(item, call)\n"
            "    report.outcome, report.longrepr = 'passed', None\n    return report\n\n\n"
            "TestReport.from_item_and_call = classmethod(_passed)\n\n\n"
            "def double(x: int) -> int:\n    return x\n"
        )
    },
}


def test_hostile_submissions_get_the_right_verdict_and_leave_nothing_behind(celery_worker, learner, probe_exercise):
    base = {"conftest_tamper": STARTER, "pytest_ini_tamper": STARTER}
    submitted = {
        name: submit(user=learner, exercise=probe_exercise, data=project(base.get(name, SOLUTION), files))
        for name, files in HOSTILE.items()
    }
    graded = dict(zip(submitted, wait_graded(list(submitted.values()), timeout=400), strict=True))
    summary = {name: (s.verdict, str(s.score), s.results.get("limit"), s.flagged) for name, s in graded.items()}
    print("hostile verdicts:", summary)  # noqa: T201 (shown when an assertion below fails)

    loop = graded["infinite_loop"]
    assert (loop.verdict, loop.results["limit"]) == (
        "timeout",
        {"stage": "learner_tests", "test": f"{HOSTILE_TEST}::test_spin"},
    )
    nap = graded["sleep_forever"]
    assert (nap.verdict, nap.results["limit"]) == (
        "timeout",
        {"stage": "learner_tests", "test": f"{HOSTILE_TEST}::test_nap"},
    )

    bomb = graded["fork_bomb"]
    assert bomb.status == "graded"
    # Each fork copies a Python process: the pid cap or the memory cap stops it, whichever is first.
    assert bomb.verdict in {"failed", "timeout", "memory_limit"}
    assert checks(bomb)[ITEM] == (True, 30.0), "the next stage ran normally after the bomb was cleared"

    hog = graded["memory_bomb"]
    assert (hog.verdict, hog.results["limit"]) == ("memory_limit", {"stage": "learner_tests", "test": None})

    fill = graded["disk_fill"]
    assert fill.verdict == "failed"
    assert "No space left on device" in learner_test(fill, "test_fill")["message"]

    flood = graded["output_flood"]
    assert flood.verdict == "output_limit"
    assert next(s for s in flood.results["stages"] if s["name"] == "learner_tests")["output_truncated"] is True
    assert len(flood.results["stages"][0]["output"]) <= 16384

    assert "interfaces=['lo'] dns-failed" in learner_test(graded["network"], "test_network")["message"]

    env_keys = set(learner_test(graded["read_env"], "test_env")["message"].split("ENV=")[1].split("\n")[0].split(","))
    assert CANARY not in env_keys
    assert not {k for k in env_keys if any(w in k for w in ("SECRET", "PASSWORD", "TOKEN", "REDIS", "DOCKER"))}

    assert checks(graded["conftest_tamper"])["learner_tests"] == (False, 0.0)  # the decoy it flipped
    for name in ("conftest_tamper", "pytest_ini_tamper"):
        tampered = graded[name]
        assert checks(tampered)[DOUBLE] == (False, 0.0), f"{name}: the hidden run must ignore learner config"
        assert checks(tampered)[ITEM] == (True, 30.0), f"{name}: the hidden tests still ran"

    exited = graded["os_exit"]
    assert checks(exited)[DOUBLE] == (False, 0.0)
    assert exited.flagged is True
    assert exited.flag_reason == (
        "The hidden-test run exited 0 but 1 of 2 tests never reported (os._exit or report tampering?). "
        "Learner code ends the process with os._exit (probe/logic.py:5)."
    )

    # Its report had every hidden test and every twin passed: held for review, no score shown.
    forged = graded["forged_report"]
    assert (forged.held, forged.flagged) == (True, True)
    assert forged.flag_reason == (
        "2 hidden tests passed together with their opposite twin: the hidden-test report was forged. "
        "learner_tests: a test that must fail was reported passed: outcomes were rewritten. "
        "Learner code imports _pytest, pytest's own machinery (probe/logic.py:1)."
    )
    assert forged.results["tamper_signs"] == [
        {"path": "probe/logic.py", "line": 1, "text": "imports _pytest, pytest's own machinery"}
    ]

    assert grading_containers() == []
    after = wait_graded([submit(user=learner, exercise=probe_exercise, data=project(SOLUTION))])[0]
    assert (after.verdict, str(after.score), after.flagged, after.flag_reason) == ("passed", "100.00", False, "")


def test_archive_escape_is_refused_before_anything_is_queued(celery_worker, learner, probe_exercise):
    escape = make_zip({"manage.py": "", "../../etc/cron.d/evil": "* * * * * root sh"})
    with pytest.raises(ArchiveRejected, match="climbs out of the project"):
        submit(user=learner, exercise=probe_exercise, data=escape)
    assert Submission.objects.count() == 0


def test_the_reaper_removes_only_this_deployments_expired_containers():
    from grader.sandbox import LABEL, DockerSandbox

    client = docker.from_env()
    expired = {LABEL: "1", "academy.deadline": "1"}
    ours = client.containers.create(settings.GRADER_IMAGE, labels={**expired, "academy.instance": "reap-ours"})
    theirs = client.containers.create(settings.GRADER_IMAGE, labels={**expired, "academy.instance": "reap-theirs"})
    try:
        assert DockerSandbox(image=settings.GRADER_IMAGE, instance="reap-ours").reap_orphans() == 1
        left = {c.id for c in client.containers.list(all=True, filters={"label": LABEL})}
        assert (ours.id in left, theirs.id in left) == (False, True)
    finally:
        theirs.remove(force=True)
