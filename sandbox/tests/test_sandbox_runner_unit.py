"""Unit tests of the grading runner's pieces, run on the host (no Docker needed)."""

import io
import json
import os
import subprocess
import sys
import tarfile
import textwrap
import time

import pytest
import sandbox_tinyproject as tiny
from academy_report_under_test import collection_error_from_exception
from academy_runner import (
    InputError,
    TailBuffer,
    load_input,
    parse_collection_errors,
    parse_ruff_output,
    read_report,
    run_process,
    safe_relpath,
    write_file,
)

RUNNER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "runner", "runner.py")


def member(name, data=b"", kind=tarfile.REGTYPE, linkname=""):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    return info, data


def raw_tar(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return buf.getvalue()


MANIFEST = member("manifest.json", json.dumps(tiny.manifest()).encode())


# -- safe extraction -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["/etc/passwd", "../x", "learner/../../x", "learner/a/../../b", "a\\b", ""])
def test_safe_relpath_refuses_escapes(name):
    with pytest.raises(InputError):
        safe_relpath(name)


def test_safe_relpath_normalises():
    assert safe_relpath("./learner//shop/./models.py") == "learner/shop/models.py"


@pytest.mark.parametrize(
    "bad",
    [
        member("learner/evil", kind=tarfile.SYMTYPE, linkname="/etc/passwd"),
        member("learner/hard", kind=tarfile.LNKTYPE, linkname="learner/manage.py"),
        member("learner/fifo", kind=tarfile.FIFOTYPE),
        member("learner/dev", kind=tarfile.CHRTYPE),
        member("learner/../escape.py", b"x"),
        member("/abs.py", b"x"),
        member("other/x.py", b"x"),
    ],
    ids=["symlink", "hardlink", "fifo", "device", "dotdot", "absolute", "outside"],
)
def test_load_input_refuses_unsafe_members(tmp_path, bad):
    data = raw_tar([MANIFEST, member("learner/manage.py", b"print()"), bad])
    with pytest.raises(InputError):
        load_input(data, str(tmp_path))
    assert not (tmp_path.parent / "escape.py").exists()
    assert not (tmp_path / "evil").exists()


def test_manifest_must_come_first(tmp_path):
    data = raw_tar([member("learner/manage.py", b"x"), MANIFEST])
    with pytest.raises(InputError, match="first member"):
        load_input(data, str(tmp_path))


def test_member_size_cap(tmp_path, monkeypatch):
    import academy_runner

    monkeypatch.setattr(academy_runner, "MAX_MEMBER_BYTES", 10)
    data = raw_tar([MANIFEST, member("learner/big.py", b"x" * 11)])
    with pytest.raises(InputError, match="larger"):
        load_input(data, str(tmp_path))


def test_not_a_tar(tmp_path):
    with pytest.raises(InputError):
        load_input(b"this is not gzip", str(tmp_path))


def test_bad_manifest(tmp_path):
    for m in ({"schema": 1}, {"schema": 2, "stages": ["rm_rf"]}, {"schema": 2, "hidden_ids": ["--pdb"]}):
        data = raw_tar([member("manifest.json", json.dumps(m).encode())])
        with pytest.raises(InputError):
            load_input(data, str(tmp_path))


def test_load_input_keeps_hidden_in_memory(tmp_path):
    data = tiny.pack(tiny.manifest(), tiny.dedent_all(tiny.FILES), tiny.dedent_all(tiny.HIDDEN))
    manifest, hidden = load_input(data, str(tmp_path))
    assert manifest["hidden_ids"] == tiny.HIDDEN_IDS
    assert set(hidden) == {"tests_hidden/test_hidden.py"}
    assert (tmp_path / "shop" / "models.py").read_bytes() == tiny.dedent_all(tiny.FILES)["shop/models.py"]
    assert not (tmp_path / "tests_hidden").exists()


def test_write_file_replaces_a_symlink_without_following_it(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("keep")
    work = tmp_path / "work"
    (work / "tests_hidden").mkdir(parents=True)
    (work / "tests_hidden" / "test_x.py").symlink_to(outside)
    write_file(str(work), "tests_hidden/test_x.py", b"hidden")
    assert outside.read_text() == "keep"
    assert not (work / "tests_hidden" / "test_x.py").is_symlink()
    assert (work / "tests_hidden" / "test_x.py").read_bytes() == b"hidden"


def test_write_file_replaces_a_symlinked_directory(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    (work / "tests_hidden").symlink_to(elsewhere, target_is_directory=True)
    write_file(str(work), "tests_hidden/test_x.py", b"hidden")
    assert list(elsewhere.iterdir()) == []
    assert (work / "tests_hidden").is_dir()
    assert not (work / "tests_hidden").is_symlink()


# -- output capping and processes ------------------------------------------------------------


def test_tail_buffer_keeps_the_tail():
    buf = TailBuffer(10)
    buf.feed(b"0123456789")
    assert not buf.truncated
    buf.feed(b"abcdef")
    assert buf.truncated
    assert buf.text() == "6789abcdef"


def test_tail_buffer_does_not_start_mid_character():
    buf = TailBuffer(5)
    buf.feed("xxé1234".encode())  # é is two bytes; the cut falls inside it
    assert buf.text() == "1234"


def test_run_process_caps_output_and_keeps_the_end():
    code = "import sys\nfor i in range(20000): print(i)\nprint('THE END')"
    res = run_process([sys.executable, "-c", code], cwd="/", env={}, timeout=30, output_limit=1000)
    assert res.returncode == 0
    assert res.output_truncated
    assert len(res.output.encode()) <= 1000
    assert res.output.endswith("THE END\n")


def test_run_process_timeout_kills_the_group():
    code = (
        "import subprocess, sys, time\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "time.sleep(60)"
    )
    start = time.monotonic()
    res = run_process([sys.executable, "-c", code], cwd="/", env={}, timeout=1.0, output_limit=1000)
    assert res.timed_out
    assert time.monotonic() - start < 5


# -- parsing ---------------------------------------------------------------------------------


RUFF_LINES = "\n".join(
    json.dumps(x)
    for x in [
        {"code": "F401", "filename": "/work/shop/views.py", "location": {"row": 3, "column": 8},
         "message": "`os` imported but unused"},
        {"code": None, "filename": "/work/shop/bad.py", "location": {"row": 2, "column": 7},
         "message": "Expected a parameter"},
        {"code": "invalid-syntax", "filename": "/work/shop/bad.py", "location": {"row": 2, "column": 8},
         "message": "Expected `)`"},
    ]
)  # fmt: skip


def test_parse_ruff_json_lines():
    findings, truncated = parse_ruff_output(RUFF_LINES, "/work")
    assert not truncated
    assert findings == [
        {"path": "shop/bad.py", "line": 2, "column": 7, "code": "invalid-syntax", "message": "Expected a parameter"},
        {"path": "shop/bad.py", "line": 2, "column": 8, "code": "invalid-syntax", "message": "Expected `)`"},
        {"path": "shop/views.py", "line": 3, "column": 8, "code": "F401", "message": "`os` imported but unused"},
    ]


def test_parse_ruff_json_array_and_cap():
    items = [
        {"code": "E501", "filename": f"/work/m{i:03}.py", "location": {"row": 1, "column": 121}, "message": "long"}
        for i in range(250)
    ]
    findings, truncated = parse_ruff_output(json.dumps(items), "/work")
    assert truncated
    assert len(findings) == 200
    assert findings[0]["path"] == "m000.py"


def test_parse_ruff_garbage():
    with pytest.raises(ValueError, match="Expecting value"):
        parse_ruff_output("error: something", "/work")


PYTEST_COLLECT_OUTPUT = textwrap.dedent(
    """\

    ==================================== ERRORS ====================================
    ____________________ ERROR collecting tests/test_books.py _____________________
    /opt/venv/lib/python3.11/site-packages/_pytest/python.py:498: in importtestmodule
        mod = import_path(
    tests/test_books.py:5: in <module>
        from shop.models import Book
    E     File "/work/shop/models.py", line 12
    E       def __str__(self)
    E                        ^
    E   SyntaxError: expected ':'
    =========================== short test summary info ============================
    ERROR tests/test_books.py
    !!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!
    1 error in 0.21s
    """
)


def test_parse_collection_errors_from_pytest_output():
    assert parse_collection_errors(PYTEST_COLLECT_OUTPUT, "/work") == [
        {"path": "shop/models.py", "line": 12, "message": "SyntaxError: expected ':'"}
    ]


def test_parse_collection_errors_from_a_startup_traceback():
    out = textwrap.dedent(
        """\
        Traceback (most recent call last):
          File "/opt/venv/lib/python3.11/site-packages/pytest_django/plugin.py", line 180, in _setup
            import settings
          File "/work/tinyshop/settings.py", line 4, in <module>
            import missing_module
        ModuleNotFoundError: No module named 'missing_module'
        """
    )
    assert parse_collection_errors(out, "/work") == [
        {"path": "tinyshop/settings.py", "line": 4, "message": "ModuleNotFoundError: No module named 'missing_module'"}
    ]


def test_collection_error_from_syntax_error(tmp_path):
    bad = tmp_path / "shop" / "models.py"
    bad.parent.mkdir()
    bad.write_text("x = 1\ndef f(:\n    pass\n")
    try:
        compile(bad.read_text(), str(bad), "exec")
    except SyntaxError as err:
        entry = collection_error_from_exception(err, str(tmp_path))
    assert entry["path"] == "shop/models.py"
    assert entry["line"] == 2
    assert entry["message"].startswith("SyntaxError: ")


def test_collection_error_from_import_error_names_the_learner_frame(tmp_path):
    mod = tmp_path / "shop" / "views.py"
    mod.parent.mkdir()
    mod.write_text("x = 1\nfrom shop.nothing import y\n")

    class CollectError(Exception):
        pass

    try:
        try:
            exec(compile(mod.read_text(), str(mod), "exec"), {})  # noqa: S102 - a file written by this test
        except ImportError as err:
            raise CollectError("wrapped") from err
    except CollectError as wrapped:
        entry = collection_error_from_exception(wrapped, str(tmp_path))
    assert entry == {"path": "shop/views.py", "line": 2, "message": "ModuleNotFoundError: No module named 'shop'"}


def test_read_report_skips_corrupt_lines(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text(
        '{"kind": "test", "id": "t.py::a", "outcome": "passed", "message": "", "duration_ms": 3}\n'
        "not json\n"
        '{"kind": "test", "id": "t.py::b", "outcome": "weird"}\n'
        '{"kind": "collect_error", "path": "x.py", "line": 2, "message": "SyntaxError: boom"}\n'
        '{"kind": "test", "id": "t.py::c", "outco'
    )
    tests, errors, exitstatus = read_report(str(path))
    assert tests == [{"id": "t.py::a", "outcome": "passed", "message": "", "duration_ms": 3}]
    assert errors == [{"path": "x.py", "line": 2, "message": "SyntaxError: boom"}]
    assert exitstatus is None
    assert read_report(str(tmp_path / "missing.jsonl")) == ([], [], None)


# -- the whole runner on the host ------------------------------------------------------------


def run_on_host(tmp_path, data):
    work = tmp_path / "work"
    work.mkdir()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "ACADEMY_WORK_DIR": str(work),
        "ACADEMY_STATE_DIR": str(tmp_path / "state"),
        "ACADEMY_KILL_ALL": "0",
    }
    proc = subprocess.run(
        [sys.executable, "-I", "-B", RUNNER], input=data, capture_output=True, env=env, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stderr.decode()
    return tiny.parse_events(proc.stdout)


def test_host_run_collection_error_and_learner_lint_config_ignored(tmp_path):
    files = tiny.dedent_all(tiny.FILES)
    files["shop/models.py"] = files["shop/models.py"].replace(b"def __str__(self):", b"def __str__(self)")
    # A learner configuration that disables every rule, and a .gitignore hiding everything.
    files["ruff.toml"] = b'[lint]\nselect = []\nignore = ["ALL"]\n'
    files["pyproject.toml"] = b'[tool.ruff]\nexclude = ["*"]\n'
    files[".gitignore"] = b"*\n"
    m = tiny.manifest(stages=["learner_tests", "lint"])
    _, results = run_on_host(tmp_path, tiny.pack(m, files, tiny.dedent_all(tiny.HIDDEN)))
    stages = {s["name"]: s for s in results["stages"]}
    assert stages["learner_tests"]["status"] == "error"
    assert results["collection_errors"] == [
        {"path": "shop/models.py", "line": 7, "message": "SyntaxError: expected ':'", "stage": "learner_tests"}
    ]
    assert stages["lint"]["status"] == "failed"
    codes = {(f["path"], f["line"], f["code"]) for f in results["lint"]}
    assert ("shop/util.py", 1, "F401") in codes
    assert ("shop/models.py", 7, "invalid-syntax") in codes
    assert results["internal_error"] is None


def test_host_run_no_tests_is_failed(tmp_path):
    files = tiny.dedent_all(tiny.FILES)
    del files["tests/test_books.py"]
    m = tiny.manifest(stages=["learner_tests"])
    _, results = run_on_host(tmp_path, tiny.pack(m, files))
    assert results["stages"][0]["status"] == "failed"
    assert results["stages"][0]["exit_code"] == 5
    assert results["tests"] == []


def test_host_run_invalid_input_still_prints_results(tmp_path):
    _, results = run_on_host(tmp_path, b"garbage")
    assert results["internal_error"].startswith("invalid input:")
    assert results["stages"] == []


# -- the mutation stage ----------------------------------------------------------------------

PRICING = """\
def discount(total, count):
    \"\"\"10% off from three items on.\"\"\"
    if count >= 3:
        return total * 9 // 10
    return total
"""
MUTANTS = {
    "off-by-one": PRICING.replace("count >= 3", "count > 3"),
    "no-discount": PRICING.replace("total * 9 // 10", "total"),
}
STRONG_TESTS = """\
from shop.pricing import discount


def test_no_discount_below_three():
    assert discount(100, 2) == 100


def test_discount_from_exactly_three():
    assert discount(100, 3) == 90
"""
WEAK_TESTS = """\
from shop.pricing import discount


def test_discount_for_many():
    assert discount(100, 5) == 90
"""
WRONG_TESTS = """\
from shop.pricing import discount


def test_expects_the_wrong_rule():
    assert discount(100, 3) == 100
"""


def mutation_payload(learner_tests: str | None, mutants=MUTANTS, **manifest_overrides) -> bytes:
    """The tiny project with shop/pricing.py; the learner's tests are replaced by `learner_tests`."""
    files = tiny.dedent_all(tiny.FILES)
    files["shop/pricing.py"] = PRICING.encode()
    reference = {f"reference/{rel}": data for rel, data in files.items() if not rel.startswith("tests/")}
    del files["tests/test_books.py"]
    if learner_tests is not None:
        files["tests/test_pricing.py"] = learner_tests.encode()
    overlays = {f"mutants/{name}/shop/pricing.py": code.encode() for name, code in mutants.items()}
    # The host's pytest starts slowly (plugin discovery in a large venv): leave room for 4 runs.
    manifest_overrides.setdefault("deadline_seconds", 300)
    m = tiny.manifest(stages=["mutation"], hidden_ids=[], mutants=sorted(mutants), **manifest_overrides)
    return tiny.pack(m, files, mutation={**reference, **overlays})


def test_runner_and_site_share_one_test_file_rule():
    from academy_runner import is_test_path

    from exercises.curriculum import is_test_path as site_rule

    # One copy, sandbox/runner/project_files.py, loaded by both.
    assert is_test_path.__code__.co_filename == site_rule.__code__.co_filename
    assert is_test_path.__code__.co_filename.endswith("sandbox/runner/project_files.py")
    paths = [
        "pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini", "conftest.py", "shop/conftest.py",
        "tests/__init__.py", "shop/tests/factories.py", "shop/tests/data/x.json", "shop/tests.py",
        "shop/test_models.py", "shop/models_test.py", "shop/models.py", "shop/pytest.ini",
        "shop/testing.py", "manage.py", "tinyshop/settings.py", "tests_hidden/test_x.py", "shop/contest.py",
    ]  # fmt: skip
    assert [p for p in paths if is_test_path(p)] == [
        "pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini", "conftest.py", "shop/conftest.py",
        "tests/__init__.py", "shop/tests/factories.py", "shop/tests/data/x.json", "shop/tests.py",
        "shop/test_models.py", "shop/models_test.py", "tests_hidden/test_x.py",
    ]  # fmt: skip


def test_load_input_keeps_reference_and_mutants_in_memory(tmp_path):
    mutation = {}
    manifest, _ = load_input(mutation_payload(STRONG_TESTS), str(tmp_path), mutation)
    assert manifest["mutants"] == ["no-discount", "off-by-one"]
    assert mutation["reference"]["shop/pricing.py"] == PRICING.encode()
    assert "tests/test_books.py" not in mutation["reference"]
    assert mutation["mutants"]["off-by-one"] == {"shop/pricing.py": MUTANTS["off-by-one"].encode()}
    assert not (tmp_path / "mutants").exists()
    assert not (tmp_path / "reference").exists()


def test_load_input_refuses_unlisted_mutants_and_bad_names(tmp_path):
    m = tiny.manifest(stages=["mutation"], mutants=["listed"])
    data = tiny.pack(m, {}, mutation={"mutants/other/shop/pricing.py": b"x", "mutants/listed/a.py": b"y"})
    with pytest.raises(InputError, match="not a file of one of the manifest's mutants"):
        load_input(data, str(tmp_path))
    data = tiny.pack(tiny.manifest(stages=["mutation"], mutants=["../x"]), {})
    with pytest.raises(InputError, match="bad mutant name"):
        load_input(data, str(tmp_path / "b"))
    data = tiny.pack(tiny.manifest(stages=["mutation"], mutants=["empty"]), {})
    with pytest.raises(InputError, match="has no files"):
        load_input(data, str(tmp_path / "c"))


def test_host_run_mutation_stage_strong_and_weak_suites(tmp_path):
    (tmp_path / "strong").mkdir()
    _, strong = run_on_host(tmp_path / "strong", mutation_payload(STRONG_TESTS))
    (stage,) = strong["stages"]
    assert (stage["name"], stage["status"], stage["exit_code"]) == ("mutation", "passed", 0), stage["output"]
    assert strong["mutation_reference"]["status"] == "passed"
    assert strong["mutation_reference"]["tests"] == 2
    by_name = {m["name"]: m for m in strong["mutants"]}
    assert by_name["off-by-one"]["caught"] is True
    assert by_name["off-by-one"]["failing_tests"] == ["tests/test_pricing.py::test_discount_from_exactly_three"]
    assert by_name["no-discount"]["caught"] is True
    assert "2 of 2 mutants caught" in stage["output"]
    assert strong["tests"] == []  # mutant runs do not add to the learner's test list

    (tmp_path / "weak").mkdir()
    _, weak = run_on_host(tmp_path / "weak", mutation_payload(WEAK_TESTS))
    by_name = {m["name"]: m for m in weak["mutants"]}
    assert weak["stages"][0]["status"] == "passed"
    assert (by_name["off-by-one"]["caught"], by_name["off-by-one"]["failing_tests"]) == (False, [])
    assert by_name["off-by-one"]["detail"] == "all your tests passed"
    assert by_name["no-discount"]["caught"] is True


def test_host_run_mutation_stage_needs_tests_that_pass_on_the_reference(tmp_path):
    _, results = run_on_host(tmp_path, mutation_payload(WRONG_TESTS))
    (stage,) = results["stages"]
    assert stage["status"] == "failed"
    assert "no mutant can count" in stage["output"]
    assert results["mutation_reference"]["status"] == "failed"
    assert results["mutation_reference"]["failing_tests"] == ["tests/test_pricing.py::test_expects_the_wrong_rule"]
    assert [m["caught"] for m in results["mutants"]] == [False, False]


def test_host_run_mutation_stage_without_learner_tests(tmp_path):
    _, results = run_on_host(tmp_path, mutation_payload(None))
    assert results["stages"][0]["status"] == "failed"
    assert results["mutation_reference"]["detail"] == "no tests of yours were collected"


def test_host_run_tests_that_only_pass_once_earn_nothing(tmp_path):
    # A suite that fails whenever a marker from an earlier run exists "catches" every mutant;
    # the final reference run exposes it.
    sneaky = STRONG_TESTS + textwrap.dedent(
        """\


        def test_first_run_only(tmp_path_factory):
            import os
            marker = "/tmp/academy-sneaky-marker-" + str(os.getuid())
            seen = os.path.exists(marker)
            open(marker, "w").close()
            assert not seen
        """
    )
    marker = f"/tmp/academy-sneaky-marker-{os.getuid()}"  # noqa: S108 - the marker the test above writes
    try:
        _, results = run_on_host(tmp_path, mutation_payload(sneaky))
    finally:
        if os.path.exists(marker):
            os.unlink(marker)
    assert results["stages"][0]["status"] == "failed"
    assert results["mutation_reference"]["status"] == "failed"
    assert "run again after the mutants" in results["mutation_reference"]["detail"]


@pytest.mark.parametrize(("engine", "expected"), [("mssql", ["--reuse-db"]), ("sqlite", [])])
def test_pytest_reuses_the_pre_created_database_only_on_sql_server(tmp_path, engine, expected):
    from academy_runner import Runner

    runner = Runner(str(tmp_path / "work"), str(tmp_path / "state"), out_fd=1)
    runner.manifest = {"env": {"DATABASE_ENGINE": engine}}
    assert runner.db_args() == expected


# A suite that fingerprints the source: it passes on the reference and "catches" every mutant
# without testing any behaviour. The equivalent rewrite (same behaviour, other text) exposes it.
FINGERPRINT_TESTS = """\
import hashlib
import pathlib

import shop.pricing


def test_the_code_is_the_reference():
    text = pathlib.Path(shop.pricing.__file__).read_bytes()
    assert hashlib.sha256(text).hexdigest() == "%s"
"""
EQUIVALENT = PRICING.replace("count >= 3", "not count < 3")


def equivalent_payload(learner_tests: str) -> bytes:
    data = mutation_payload(learner_tests, equivalents=["negated-condition"])
    buf = io.BytesIO()
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as src, tarfile.open(fileobj=buf, mode="w:gz") as out:
        for member in src:
            out.addfile(member, src.extractfile(member) if member.isreg() else None)
        info = tarfile.TarInfo("equivalents/negated-condition/shop/pricing.py")
        info.size = len(EQUIVALENT.encode())
        out.addfile(info, io.BytesIO(EQUIVALENT.encode()))
    return buf.getvalue()


def test_host_run_a_suite_that_fingerprints_the_source_earns_no_mutant(tmp_path):
    import hashlib

    fingerprint = FINGERPRINT_TESTS % hashlib.sha256(PRICING.encode()).hexdigest()
    (tmp_path / "fingerprint").mkdir()
    _, results = run_on_host(tmp_path / "fingerprint", equivalent_payload(fingerprint))
    assert results["stages"][0]["status"] == "failed"
    assert results["equivalents"] == [
        {"name": "negated-condition", "passed": False,
         "failing_tests": ["tests/test_pricing.py::test_the_code_is_the_reference"], "detail": "status failed"}
    ]  # fmt: skip
    assert results["mutation_reference"]["status"] == "failed"
    assert "they check how the code is written, not what it does" in results["mutation_reference"]["detail"]
    assert [m["caught"] for m in results["mutants"]] == [False, False]

    (tmp_path / "behaviour").mkdir()
    _, honest = run_on_host(tmp_path / "behaviour", equivalent_payload(STRONG_TESTS))
    assert honest["equivalents"][0]["passed"] is True
    assert [m["caught"] for m in honest["mutants"]] == [True, True]
