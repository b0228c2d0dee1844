"""Adversarial suite: forging and leaking techniques through the real sandbox (docs/grading-integrity.md).

Every submission below is the probe exercise's starter (honest score 60: its double() is wrong)
or reference, with attack code added where a learner would put it: the app module that both
the learner's tests and the hidden tests import. For each one the grade must be no better than
the same code would honestly earn, or held for review; and nothing a learner can see (the
submission page, the exercise page, the API) may contain a line of the hidden tests, which carry
a canary string for exactly this check.
"""

import json
import textwrap
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.services import api_token_create
from tests.integration.conftest import grading_containers, submit, wait_graded
from tests.integration.test_grading import DOUBLE, ITEM, SOLUTION, STARTER, checks, project

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CANARY = "hidden-canary-7f3a9c"
HONEST_STARTER = Decimal("60.00")
WRONG_DOUBLE = "\n\ndef double(x: int) -> int:\n    return x\n"
MODELS = (SOLUTION / "probe" / "models.py").read_text()


def logic(attack: str) -> dict:
    """probe/logic.py: the attack, then the starter's wrong double()."""
    return {"probe/logic.py": textwrap.dedent(attack) + WRONG_DOUBLE}


def models(attack: str, base: str = MODELS) -> dict:
    return {"probe/models.py": base + "\n\n" + textwrap.dedent(attack)}


# Forgers: each rewrites what the hidden run reports. Honest score of the code: 60.
FORGERS = {
    "report_class_by_computed_import": logic("""
        import importlib

        _reports = importlib.import_module("_py" + "test.reports")
        _build = _reports.TestReport.from_item_and_call

        def _passed(cls, item, call):
            report = _build(item, call)
            report.outcome, report.longrepr = "passed", None
            return report

        _reports.TestReport.from_item_and_call = classmethod(_passed)
    """),
    "report_class_through_sys_modules": logic("""
        import sys

        _reports = sys.modules.get("_pytest.reports")
        if _reports is not None:
            _build = _reports.TestReport.from_item_and_call

            def _passed(cls, item, call):
                report = _build(item, call)
                report.outcome, report.longrepr = "passed", None
                return report

            _reports.TestReport.from_item_and_call = classmethod(_passed)
    """),
    "atexit_appends_passes_for_every_id_on_argv": logic("""
        import atexit, json, os, sys

        def _forge():
            path = os.environ.get("ACADEMY_REPORT_PATH")
            if path:
                with open(path, "a") as fh:
                    for arg in sys.argv:
                        if "::" in arg:
                            fh.write(json.dumps({"kind": "test", "id": arg, "outcome": "passed"}) + "\\n")
                    fh.write(json.dumps({"kind": "session_finish", "exitstatus": 0}) + "\\n")
            os._exit(0)

        atexit.register(_forge)
    """),
    "atexit_rewrites_failures_in_the_report": logic("""
        import atexit, os

        def _forge():
            path = os.environ.get("ACADEMY_REPORT_PATH")
            if path and os.path.exists(path):
                text = open(path).read().replace('"outcome": "failed"', '"outcome": "passed"')
                open(path, "w").write(text)
            os._exit(0)

        atexit.register(_forge)
    """),
    "plugin_registered_on_config_found_with_gc": logic("""
        import gc, sys

        def _install():
            pytest = sys.modules.get("pytest")
            for obj in gc.get_objects():
                if type(obj).__name__ == "Config" and hasattr(obj, "pluginmanager") and pytest:
                    class Forger:
                        @pytest.hookimpl(hookwrapper=True)
                        def pytest_runtest_makereport(self, item, call):
                            outcome = yield
                            report = outcome.get_result()
                            report.outcome, report.longrepr = "passed", None

                    obj.pluginmanager.register(Forger(), "forger")
                    return

        _install()
    """),
    "test_functions_never_run": logic("""
        import sys

        _python = sys.modules.get("_pytest.python")
        if _python is not None:
            _python.Function.runtest = lambda self: None
    """),
    "exceptions_swallowed_in_call_info": logic("""
        import sys

        _runner = sys.modules.get("_pytest.runner")
        if _runner is not None:
            _original = _runner.CallInfo.from_call.__func__

            def _from_call(cls, func, when, reraise=None):
                def quiet():
                    try:
                        return func()
                    except Exception:
                        return None

                return _original(cls, quiet, when, reraise)

            _runner.CallInfo.from_call = classmethod(_from_call)
    """),
    "assertion_rewriting_disabled_by_patching_the_hook": logic("""
        import builtins, sys

        class _Never(Exception):
            pass

        _pytest = sys.modules.get("pytest")
        if _pytest is not None:
            builtins.AssertionError = _Never
            _outcomes = sys.modules.get("_pytest.outcomes")
            _python = sys.modules.get("_pytest.python")
            _original = _python.Function.runtest

            def _runtest(self):
                try:
                    _original(self)
                except Exception:
                    pass

            _python.Function.runtest = _runtest
    """),
    "report_truncated_to_a_clean_finish": logic("""
        import atexit, json, os

        def _forge():
            path = os.environ.get("ACADEMY_REPORT_PATH")
            if path:
                with open(path, "w") as fh:
                    fh.write(json.dumps({"kind": "session_finish", "exitstatus": 0}) + "\\n")
            os._exit(0)

        atexit.register(_forge)
    """),
    "exit_zero_before_any_test": logic("""
        import os, sys

        if "pytest" in sys.modules:
            os._exit(0)
    """),
}

# Leakers: each tries to carry the hidden tests to something the learner sees. The code is the
# reference (honest score 100), so only the canary check decides.
LEAKERS = {
    "copy_to_tmp_then_print_in_check": models("""
        import glob, os, shutil, sys

        _found = glob.glob(os.path.join(os.getcwd(), "tests_hidden", "*.py"))
        if _found:
            os.makedirs("/tmp/leak", exist_ok=True)
            for _path in _found:
                shutil.copy(_path, "/tmp/leak/")
        elif os.path.isdir("/tmp/leak"):
            for _path in glob.glob("/tmp/leak/*.py"):
                print(open(_path).read())
    """),
    "hidden_source_in_an_import_error": models("""
        import glob, os

        for _path in glob.glob(os.path.join(os.getcwd(), "tests_hidden", "test_*.py")):
            raise RuntimeError(open(_path).read())
    """),
    "hidden_source_printed_in_the_hidden_run": models("""
        import glob, os, sys

        for _path in glob.glob(os.path.join(os.getcwd(), "tests_hidden", "*.py")):
            sys.stdout.write(open(_path).read())
            sys.stderr.write(open(_path).read())
    """),
    "hidden_source_as_the_current_test_then_a_hang": {
        **models("""
            import glob, os

            for _path in glob.glob(os.path.join(os.getcwd(), "tests_hidden", "test_*.py")):
                _current = os.environ.get("ACADEMY_CURRENT_TEST_PATH")
                if _current:
                    with open(_current, "w") as fh:
                        fh.write(open(_path).read())
        """),
        "probe/logic.py": "import glob\nimport os\nimport time\n\n\ndef double(x: int) -> int:\n"
        "    if glob.glob(os.path.join(os.getcwd(), 'tests_hidden', '*.py')):\n        time.sleep(3600)\n"
        "    return x * 2\n",
    },
    "hidden_source_in_assertion_messages": logic("""
        import glob, os

        for _path in glob.glob(os.path.join(os.getcwd(), "tests_hidden", "test_*.py")):
            raise AssertionError(open(_path).read())
    """),
    "learner_test_reads_hidden_files": {
        "probe/tests/test_snoop.py": "import glob\n\n\ndef test_snoop():\n"
        "    roots = ('/work', '/tmp')\n"
        "    found = [p for root in roots for p in glob.glob(root + '/**/tests_hidden/*.py', recursive=True)]\n"
        "    assert not found, [open(p).read() for p in found]\n",
    },
}


def learner_visible(client, submission, token: str) -> str:
    """Everything the learner can see of a submission: its page, its exercise page, the API."""
    client.force_login(submission.user)
    page = client.get(reverse("exercises:submission", args=[submission.pk])).content.decode()
    exercise = client.get(reverse("exercises:detail", args=[submission.exercise.slug])).content.decode()
    api = client.get(reverse("api:submission_detail", args=[submission.pk]), HTTP_AUTHORIZATION=f"Token {token}")
    assert api.status_code == 200
    return page + exercise + json.dumps(api.json())


@pytest.fixture
def token(learner):
    return api_token_create(user=learner, name="integrity")[1]


def test_forged_hidden_reports_earn_nothing(celery_worker, learner, probe_exercise, client, token):
    submitted = {name: submit(user=learner, exercise=probe_exercise, data=project(STARTER, files))
                 for name, files in FORGERS.items()}  # fmt: skip
    graded = dict(zip(submitted, wait_graded(list(submitted.values()), timeout=600), strict=True))
    summary = {name: (s.verdict, str(s.score), s.held, s.flag_reason[:90]) for name, s in graded.items()}
    print("forgers:", json.dumps(summary, indent=1))  # noqa: T201 (shown when an assertion below fails)
    for name, submission in graded.items():
        assert submission.held or submission.score <= HONEST_STARTER, name
        assert checks(submission)[DOUBLE][0] is False or submission.held, name
        if submission.held:
            assert submission.flagged, name
            visible = learner_visible(client, submission, token)
            assert "Held for review" in visible, name
            assert f"{submission.score} / 100" not in visible, name
    # Blanket forgers flip the twins too: they are held, not merely capped.
    for name in ("report_class_by_computed_import", "report_class_through_sys_modules",
                 "atexit_appends_passes_for_every_id_on_argv", "atexit_rewrites_failures_in_the_report",
                 "plugin_registered_on_config_found_with_gc", "test_functions_never_run",
                 "exceptions_swallowed_in_call_info"):  # fmt: skip
        assert graded[name].held is True, name
    assert grading_containers() == []


def test_hidden_tests_never_reach_the_learner(celery_worker, learner, probe_exercise, client, token):
    submitted = {name: submit(user=learner, exercise=probe_exercise, data=project(SOLUTION, files))
                 for name, files in LEAKERS.items()}  # fmt: skip
    graded = dict(zip(submitted, wait_graded(list(submitted.values()), timeout=600), strict=True))
    print("leakers:", {name: (s.verdict, str(s.score), s.held) for name, s in graded.items()})  # noqa: T201
    for name, submission in graded.items():
        visible = learner_visible(client, submission, token)
        assert CANARY not in visible, name
        assert "def test_double_of_21_is_42" not in visible, name
    hang = graded["hidden_source_as_the_current_test_then_a_hang"]
    assert hang.verdict == "timeout"
    assert hang.results["limit"]["test"] in {None, DOUBLE, ITEM}
    snoop = next(
        t for t in graded["learner_test_reads_hidden_files"].results["tests"] if t["id"].endswith("test_snoop")
    )
    assert snoop["outcome"] == "passed"  # the learner's own tests run where no hidden file exists


STAGE_TRICKS = {
    # A field without its migration, and makemigrations told to exit 0.
    "makemigrations_exits_zero": models(
        'import sys\n\nif "makemigrations" in sys.argv:\n    sys.exit(0)\n',
        base=MODELS.replace("unique=True)", "unique=True)\n    colour = models.CharField(max_length=10, default='')"),
    ),
    "check_exits_zero": models('import sys\n\nif "check" in sys.argv:\n    sys.exit(0)\n'),
    "conftest_flips_own_failures": {
        "conftest.py": "import pytest\n\n\n@pytest.hookimpl(hookwrapper=True)\n"
        "def pytest_runtest_makereport(item, call):\n"
        "    outcome = yield\n    outcome.get_result().outcome = 'passed'\n",
    },
    "conftest_keeps_only_known_tests_and_flips_them": {
        "conftest.py": "import pytest\n\nMINE = {'test_double_of_two_is_four'}\n\n\n"
        "def pytest_collection_modifyitems(items):\n    items[:] = [i for i in items if i.name in MINE]\n\n\n"
        "@pytest.hookimpl(hookwrapper=True)\ndef pytest_runtest_makereport(item, call):\n"
        "    outcome = yield\n    outcome.get_result().outcome = 'passed'\n",
    },
}


def test_stages_judge_behaviour_not_exit_status(celery_worker, learner, probe_exercise):
    bases = {"makemigrations_exits_zero": SOLUTION, "check_exits_zero": SOLUTION}
    submitted = {name: submit(user=learner, exercise=probe_exercise, data=project(bases.get(name, STARTER), files))
                 for name, files in STAGE_TRICKS.items()}  # fmt: skip
    graded = dict(zip(submitted, wait_graded(list(submitted.values()), timeout=400), strict=True))
    print("stage tricks:", {n: (s.verdict, str(s.score), s.flag_reason) for n, s in graded.items()})  # noqa: T201

    migrations = graded["makemigrations_exits_zero"]
    assert checks(migrations)["migrations"] == (False, 0.0)
    stage = next(s for s in migrations.results["stages"] if s["name"] == "migrations")
    assert "the migration files do not create: probe.item.colour" in stage["output"]
    assert migrations.score <= Decimal("60.00")  # honestly: no migration (10) and no colour column (30)

    check = graded["check_exits_zero"]
    assert checks(check)["django_check"] == (False, 0.0)
    assert "manage.py check exited 0 without printing 'System check identified'" in check.flag_reason

    for name in ("conftest_flips_own_failures", "conftest_keeps_only_known_tests_and_flips_them"):
        tampered = graded[name]
        assert checks(tampered)["learner_tests"] == (False, 0.0), name
        assert tampered.score <= HONEST_STARTER, name
        assert tampered.flagged is True, name
        assert "learner_tests: a test that must fail was" in tampered.flag_reason, name


QUERY_COUNT_FORGER = """

import contextlib
import sys

_fixtures = sys.modules.get("pytest_django.fixtures")
if _fixtures is not None:
    from django.test.utils import CaptureQueriesContext

    @contextlib.contextmanager
    def _lenient(config, num, exact=True, connection=None, info=None):
        from django.db import connection as default

        with CaptureQueriesContext(connection or default) as context:
            yield context  # counts nothing against `num`

    _fixtures._assert_num_queries = _lenient
"""


def test_a_patched_query_count_on_exercise_07_earns_nothing(celery_worker, learner):
    """The issue's fifth technique: Django's query-capture helper patched so that the starter's
    N+1 queries pass the exact query counts. Each counted test has a twin with one query more."""
    from django.conf import settings

    from course.services import curriculum_sync
    from exercises.models import Exercise

    curriculum_sync(root=settings.CURRICULUM_DIR)
    exercise = Exercise.objects.get(source_dir__endswith="07-orm-performance/exercise")
    root = settings.CURRICULUM_DIR / "07-orm-performance" / "exercise"
    models_py = (root / "starter" / "catalog" / "models.py").read_text()
    honest, forged = wait_graded([
        submit(user=learner, exercise=exercise, data=project(root / "starter")),
        submit(user=learner, exercise=exercise, data=project(root / "starter", {"catalog/models.py": models_py
                                                                                + QUERY_COUNT_FORGER})),
    ], timeout=600)  # fmt: skip
    print("07:", honest.score, forged.score, forged.held, forged.flag_reason)  # noqa: T201
    assert forged.held or forged.score <= honest.score
    counted = [c for c in forged.results["checks"] if c["stage"] == "hidden_tests" and "query" in c["key"]]
    assert counted, "exercise 07 has query-count checks"
