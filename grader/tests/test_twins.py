"""grader.twins: each hidden test is renamed at random and paired with an opposite twin."""

import ast
import random
import subprocess
import sys
import textwrap

from grader.twins import forged_pairs, suite_build

HIDDEN = textwrap.dedent(
    """\
    import pytest

    from shop import total


    def test_total_of_two():
        assert total([1, 1]) == 2


    def test_total_is_truthy():
        assert total([3])


    def test_negative_is_refused():
        with pytest.raises(ValueError):
            total([-1])


    def test_counted(django_assert_num_queries):
        with django_assert_num_queries(2):
            total([1])
        assert total([2]) == 2


    def test_only_a_helper():
        check_everything()


    def helper_not_a_test():
        assert False
    """
)
SHOP = (
    "def total(items):\n    if any(i < 0 for i in items):\n        raise ValueError('negative')\n"
    "    return sum(items)\n"
)
NAMES = ("test_total_of_two", "test_total_is_truthy", "test_negative_is_refused", "test_counted", "test_only_a_helper")
IDS = [f"tests_hidden/test_shop.py::{name}" for name in NAMES]


def build(seed=7):
    return suite_build(files={"tests_hidden/test_shop.py": HIDDEN.encode()}, check_ids=IDS, rng=random.Random(seed))


def test_every_test_is_renamed_and_paired_with_twins_the_mapping_stays_on_the_host():
    suite = build()
    source = suite.files["tests_hidden/test_shop.py"].decode()
    assert sorted(suite.real.values()) == sorted(IDS)
    assert suite.untwinned == ["tests_hidden/test_shop.py::test_only_a_helper"]
    # test_counted has two twins (its query count, one assertion); the other three have one each.
    assert sorted(suite.twins.values()) == sorted([IDS[0], IDS[1], IDS[2], IDS[3], IDS[3]])
    assert sorted(suite.run_ids) == sorted([*suite.real, *suite.twins])
    names = {node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)}
    assert names.isdisjoint({i.split("::")[1] for i in IDS})  # no exercise name reaches the sandbox
    assert "helper_not_a_test" in names
    assert len(names) == 5 + 5 + 1
    assert build(8).run_ids != suite.run_ids  # a fresh draw per run


def test_twins_fail_and_real_tests_pass_on_correct_code(tmp_path):
    suite = build()
    (tmp_path / "tests_hidden").mkdir()
    (tmp_path / "tests_hidden" / "__init__.py").write_text("")
    source = suite.files["tests_hidden/test_shop.py"].decode()
    # No Django here: a stand-in for the query-count fixture, and the helper the untwinned test calls.
    fixture = (
        "import contextlib\n\n@pytest.fixture\ndef django_assert_num_queries():\n"
        "    @contextlib.contextmanager\n    def check(num):\n        yield\n        assert num == 2\n"
        "    return check\n\n"
        "def check_everything():\n    pass\n"
    )
    (tmp_path / "tests_hidden" / "test_shop.py").write_text(source + "\n\n" + fixture)
    (tmp_path / "shop.py").write_text(SHOP)
    run_ids = sorted(suite.run_ids)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:django", "-rA", *run_ids],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    outcomes = {}
    for line in result.stdout.splitlines():
        word, _, rest = line.partition(" ")
        if word in ("PASSED", "FAILED", "ERROR") and "::" in rest:
            outcomes[rest.split(" ")[0]] = word.lower().replace("error", "failed")
    assert {run_id: outcomes[run_id] for run_id in suite.real} == dict.fromkeys(suite.real, "passed"), result.stdout
    assert {run_id: outcomes[run_id] for run_id in suite.twins} == dict.fromkeys(suite.twins, "failed"), result.stdout
    assert forged_pairs(suite, outcomes) == []


def test_a_report_with_a_test_and_its_twin_both_passed_is_forged():
    suite = build()
    everything_passed = dict.fromkeys(suite.run_ids, "passed")
    assert forged_pairs(suite, everything_passed) == sorted(set(IDS) - {IDS[4]})
    # A wrong solution: the real test fails and its twin passes honestly. Nothing is forged.
    honest_wrong = {**dict.fromkeys(suite.real, "failed"), **dict.fromkeys(suite.twins, "passed")}
    assert forged_pairs(suite, honest_wrong) == []


def test_statements_that_may_not_run_are_never_perturbed():
    hidden = textwrap.dedent(
        """\
        def test_branches(flag):
            if flag:
                assert flag == 1
            for item in [1]:
                assert item
            try:
                assert flag
            except AssertionError:
                pass
        """
    )
    suite = suite_build(files={"t/test_x.py": hidden.encode()}, check_ids=["t/test_x.py::test_branches"],
                        rng=random.Random(1))  # fmt: skip
    assert (suite.twins, suite.untwinned) == ({}, ["t/test_x.py::test_branches"])


def test_a_test_that_only_calls_helpers_is_twinned_through_a_turned_copy_of_the_helper(tmp_path):
    hidden = textwrap.dedent(
        """\
        import pytest


        def must_be_positive(value, why):
            if value <= 0:
                pytest.fail(why, pytrace=False)


        def test_three_is_positive():
            must_be_positive(3, "three is positive")
        """
    )
    suite = suite_build(files={"test_h.py": hidden.encode()}, check_ids=["test_h.py::test_three_is_positive"],
                        rng=random.Random(3))  # fmt: skip
    source = suite.files["test_h.py"].decode()
    assert suite.untwinned == []
    assert source.count("def must_be_positive(") == 1  # the real helper is untouched; the twin calls a copy
    assert "if not value <= 0:" in source
    (tmp_path / "test_h.py").write_text(source)
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:django",
        "-rA",
        *sorted(suite.run_ids),
    ]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    (real,), (twin,) = suite.real, suite.twins
    assert f"PASSED {real}" in result.stdout, result.stdout
    assert f"FAILED {twin}" in result.stdout, result.stdout


def test_nothing_after_an_early_return_is_perturbed():
    # Refusing to load passes the test at once: an assertion after it may never run.
    hidden = textwrap.dedent(
        """\
        def test_refuses_or_has_no_default(load):
            assert load(True) == 1
            try:
                without = load(False)
            except KeyError:
                return
            assert not without
        """
    )
    check = "t/test_x.py::test_refuses_or_has_no_default"
    for seed in range(20):
        suite = suite_build(files={"t/test_x.py": hidden.encode()}, check_ids=[check], rng=random.Random(seed))
        source = suite.files["t/test_x.py"].decode()
        assert source.count("assert not without") == 2, seed  # the real test and its twin keep it as written
        assert source.count("assert load(True) == 1") == 1, seed  # the twin turned the first assertion over
