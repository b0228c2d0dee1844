"""The static scan for code that reaches for the grader's machinery (grader.tamper)."""

import pytest

from exercises.archive import Member
from grader.tamper import MAX_SIGNS, Sign, flag_reason, tamper_signs


def scan(files: dict[str, str]) -> list[tuple[str, int, str]]:
    return [(s.path, s.line, s.text) for s in tamper_signs([Member(p, c.encode()) for p, c in files.items()])]


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("import _pytest.reports\n", "imports _pytest, pytest's own machinery"),
        ("from _pytest import reports\n", "imports _pytest, pytest's own machinery"),
        ("import json, pluggy\n", "imports pluggy, pytest's own machinery"),
        ("from academy_report import pytest_runtest_logreport\n", "imports academy_report, pytest's own machinery"),
        ("import importlib\nimportlib.import_module('_pytest.runner')\n", "imports _pytest, pytest's own machinery"),
        ("import os\nos._exit(0)\n", "ends the process with os._exit"),
        ("from os import _exit\n", "ends the process with os._exit"),
        ("import os\ngetattr(os, '_exit')(0)\n", "ends the process with os._exit"),
        ("import sys\nsys._getframe(3).f_locals\n", "walks the call stack with sys._getframe"),
        ("import gc\ngc.get_objects()\n", "searches live objects with gc.get_objects"),
        ("import os\nopen(os.environ['ACADEMY_REPORT_PATH'], 'a')\n", "names the grader's report channel"),
    ],
)
def test_each_sign_is_found_at_its_line(source, text):
    line = source.count("\n")  # every sample ends with the line that shows the sign
    assert scan({"shop/models.py": source}) == [("shop/models.py", line, text)]


def test_ordinary_application_code_has_no_signs():
    source = (
        "import os\nimport sys\nfrom pathlib import Path\n\nfrom django.db import models\n\n"
        "BASE = Path(os.environ.get('HOME', '/'))\nVERSION = sys.version_info\n"
        "NAME = 'pytest is our test runner'\n\n\n"
        "class Book(models.Model):\n    title = models.CharField(max_length=80)\n"
    )
    assert scan({"shop/models.py": source, "README.md": "import _pytest", "data.json": "{}"}) == []


def test_the_learners_own_tests_and_pytest_config_are_not_scanned():
    # They never run with the hidden tests; fixtures there may use pytest's internals.
    files = {
        "shop/tests/test_models.py": "from _pytest.monkeypatch import MonkeyPatch\n",
        "conftest.py": "import os\nos._exit(0)\n",
        "shop/test_views.py": "import _pytest\n",
    }
    assert scan(files) == []


def test_a_file_that_does_not_parse_is_left_to_the_test_stages():
    assert scan({"shop/models.py": "import _pytest\ndef broken(:\n", "shop/views.py": "\x00"}) == []


def test_signs_are_in_path_and_line_order_once_per_line_and_capped():
    files = {
        "b.py": "import os\nos._exit(0); os._exit(1)\n",
        "a.py": "import _pytest\n" + "import pluggy\n" * (MAX_SIGNS + 5),
    }
    signs = scan(files)
    assert signs[:3] == [
        ("a.py", 1, "imports _pytest, pytest's own machinery"),
        ("a.py", 2, "imports pluggy, pytest's own machinery"),
        ("a.py", 3, "imports pluggy, pytest's own machinery"),
    ]
    assert len(signs) == MAX_SIGNS
    assert scan({"b.py": files["b.py"]}) == [("b.py", 2, "ends the process with os._exit")]


def test_the_flag_reason_names_the_first_three_signs_and_counts_the_rest():
    signs = [Sign("a.py", n, "imports _pytest, pytest's own machinery") for n in range(1, 6)]
    assert flag_reason(signs[:1]) == "Learner code imports _pytest, pytest's own machinery (a.py:1)."
    assert flag_reason(signs) == (
        "Learner code imports _pytest, pytest's own machinery (a.py:1); "
        "imports _pytest, pytest's own machinery (a.py:2); "
        "imports _pytest, pytest's own machinery (a.py:3); and 2 more."
    )
