"""Run an exercise's hidden suite on the host, the way the grader's hidden stage does.

No Docker: the project (``solution/`` with an optional overlay) and ``hidden_tests/`` are copied
into a temporary directory and pytest runs there with the grader's trusted configuration
(``sandbox/runner/pytest-hidden.ini``, ``--noconftest``, ``-p pytest_django.plugin``) on SQLite.

Two things the grader does not do, to find time- and order-dependent checks:

- the node ids are passed in a shuffled order (pytest runs command-line ids in the order given);
- the clock is simulated: ``clock_boot.py`` disables the C ``_datetime`` module (the pure Python
  one reads ``time.time()``) and shifts ``time.time``/``time.time_ns`` so that "now" starts at a
  chosen instant; ``TZ`` sets the process's local time zone.

Command line (for authors): ``python -m tests.hidden_suites EXERCISE_DIR [--mistakes]`` prints
the outcome of every hidden check on the reference and, with ``--mistakes``, on every mistake
and alternative, flagging a ``must_fail`` check that passes.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import tomllib
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RUNNER = REPO / "sandbox" / "runner"
CURRICULUM = REPO / "curriculum"
EXERCISE_DIRS = sorted(p for p in CURRICULUM.glob("*/exercise") if p.is_dir())

CLOCK_BOOT = """\
import os, sys, time
sys.modules["_datetime"] = None  # the pure Python datetime reads time.time()
sys.modules["_zoneinfo"] = None  # the C zoneinfo needs the C datetime
_shift = float(os.environ["ACADEMY_CLOCK_START"]) - time.time()
_time, _time_ns = time.time, time.time_ns
time.time = lambda: _time() + _shift
time.time_ns = lambda: _time_ns() + int(_shift * 1e9)
time.tzset()
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.append(os.getcwd())
import pytest
sys.exit(int(pytest.main(sys.argv[1:])))
"""


def hidden_ids(exercise: Path) -> list[str]:
    spec = tomllib.loads((exercise / "exercise.toml").read_text())
    return [h["id"] for h in spec.get("hidden", [])]


def overlay_files(folder: Path, meta: str) -> dict[str, Path]:
    return {
        str(p.relative_to(folder)): p
        for p in folder.rglob("*")
        if p.is_file() and p.name != meta and "__pycache__" not in p.parts
    }


def run_hidden(
    exercise: Path,
    overlay: dict[str, Path] | None = None,
    *,
    seed: int = 0,
    clock: datetime | None = None,
    tz: str = "UTC",
    python: str = sys.executable,
) -> dict[str, str]:
    """Outcome ("passed", "failed", "error", "skipped" or "missing") of every hidden check."""
    spec = tomllib.loads((exercise / "exercise.toml").read_text())
    ids = hidden_ids(exercise)
    order = ids[:]
    random.Random(seed).shuffle(order)
    with tempfile.TemporaryDirectory(prefix="hidden-") as tmp:
        work = Path(tmp) / "work"
        shutil.copytree(exercise / "solution", work, ignore=shutil.ignore_patterns("__pycache__"))
        for rel, src in (overlay or {}).items():
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, work / rel)
        shutil.copytree(exercise / "hidden_tests", work, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
        boot = Path(tmp) / "clock_boot.py"
        boot.write_text(CLOCK_BOOT)
        junit = Path(tmp) / "junit.xml"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "PYTEST_"))}
        env.update(
            DJANGO_SETTINGS_MODULE=spec["django_settings"],
            DATABASE_ENGINE="sqlite",
            PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
            TZ=tz,
            ACADEMY_CLOCK_START=str((clock or datetime.now(UTC)).timestamp()),
        )
        cmd = [
            python, "-I", "-B", str(boot),
            "-c", str(RUNNER / "pytest-hidden.ini"), "--rootdir", str(work), "--noconftest",
            "-p", "no:cacheprovider", "-p", "pytest_django.plugin", f"--junitxml={junit}",
            "-o", "junit_family=xunit1", *order,
        ]  # fmt: skip
        proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=600)
        outcomes = dict.fromkeys(ids, "missing")
        if junit.exists():
            for case in ET.parse(junit).getroot().iter("testcase"):  # noqa: S314 (our own pytest wrote it)
                node = f"{case.get('file')}::{case.get('name')}"
                if case.get("classname", "").split(".")[-1].startswith("Test"):
                    node = f"{case.get('file')}::{case.get('classname').split('.')[-1]}::{case.get('name')}"
                kinds = {child.tag for child in case}
                outcome = next((k for k in ("failure", "error", "skipped") if k in kinds), "passed")
                outcome = {"failure": "failed"}.get(outcome, outcome)
                if node in outcomes and outcomes[node] in ("missing", "passed"):
                    outcomes[node] = outcome
        outcomes["_output"] = proc.stdout[-6000:] + proc.stderr[-3000:]
        return outcomes


def say(text: str) -> None:
    sys.stdout.write(text + "\n")


def main() -> None:
    exercise = Path(sys.argv[1]).resolve()
    report = run_hidden(exercise, seed=1)
    bad = [k for k, v in report.items() if k != "_output" and v != "passed"]
    say(f"reference: {bad if bad else 'OK'}")
    if bad:
        say(report["_output"])
    if "--mistakes" not in sys.argv:
        return
    names = [a for a in sys.argv[2:] if not a.startswith("--")]
    for kind, meta in (("mistakes", "mistake.toml"), ("alternatives", "alternative.toml")):
        for folder in sorted((exercise / kind).glob("*")):
            if not folder.is_dir() or (names and folder.name not in names):
                continue
            spec = tomllib.loads((folder / meta).read_text())
            result = run_hidden(exercise, overlay_files(folder, meta), seed=2)
            failed = {k for k, v in result.items() if k != "_output" and v != "passed"}
            if kind == "alternatives":
                status = "OK" if not failed else f"FAILS {sorted(failed)}"
            else:
                wanted = {c for c in spec["must_fail"] if not c.startswith("mutant:")}
                status = "OK" if wanted <= failed else f"PASSES {sorted(wanted - failed)}"
                status += f"   failed={sorted(x.split('::')[-1] for x in failed)}"
            say(f"{kind[:-1]} {folder.name}: {status}")
            if "-v" in sys.argv:
                say(result["_output"])


if __name__ == "__main__":
    main()
