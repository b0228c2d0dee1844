"""Every exercise's hidden suite passes on its reference solution in any order, at any hour.

Host-side and fast (no Docker): see tests/hidden_suites.py for how the grader's hidden stage is
reproduced, how the order is shuffled and how the clock is simulated. Each exercise runs at
three simulated instants chosen to cross boundaries (midnight, a month and a year end, a DST
change), each with its own shuffled order.
"""

import os
import tomllib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from tests.hidden_suites import EXERCISE_DIRS, overlay_files, run_hidden

CLOCKS = [
    (datetime(2026, 12, 31, 23, 59, 40, tzinfo=UTC), "UTC", 11),  # a year ends mid-run
    (datetime(2027, 3, 28, 0, 59, 45, tzinfo=UTC), "Europe/Berlin", 23),  # DST starts in Europe
    (datetime(2027, 2, 28, 12, 0, 0, tzinfo=UTC), "America/Los_Angeles", 37),  # noon, end of February
]


@pytest.fixture(scope="module")
def runs(request):
    """Every selected (exercise, clock) run, started at once on a pool as wide as the machine:
    each test then waits only for its own three runs, and the processes keep every core busy."""
    selected = [
        item.callspec.params["exercise"]
        for item in request.session.items
        if hasattr(item, "callspec") and "exercise" in item.callspec.params
    ]
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        yield {
            (exercise, clock): pool.submit(run_hidden, exercise, seed=clock[2], clock=clock[0], tz=clock[1])
            for exercise in dict.fromkeys(selected)
            for clock in CLOCKS
        }


def test_there_are_exercises():
    assert len(EXERCISE_DIRS) >= 15


@pytest.mark.parametrize("exercise", EXERCISE_DIRS, ids=[p.parent.name for p in EXERCISE_DIRS])
def test_hidden_suite_passes_on_the_reference_at_any_time_in_any_order(exercise, runs):
    for clock, tz, seed in CLOCKS:
        outcomes = runs[exercise, (clock, tz, seed)].result()
        output = outcomes.pop("_output")
        bad = {node: outcome for node, outcome in outcomes.items() if outcome != "passed"}
        assert outcomes, "the exercise lists hidden checks"
        assert bad == {}, f"at {clock.isoformat()} ({tz}), seed {seed}:\n{output}"


@pytest.mark.parametrize("exercise", EXERCISE_DIRS, ids=[p.parent.name for p in EXERCISE_DIRS])
def test_mistakes_and_alternatives_follow_the_agreed_format(exercise):
    """Static and instant: the through-the-grader check (tests/integration) grades them."""
    spec = tomllib.loads((exercise / "exercise.toml").read_text())
    checks = {h["id"] for h in spec.get("hidden", [])}
    mutants_dir = exercise / "mutants"
    checks |= {f"mutant:{m.name}" for m in mutants_dir.iterdir() if m.is_dir()} if mutants_dir.is_dir() else set()
    mistakes = sorted(p for p in (exercise / "mistakes").iterdir() if p.is_dir())
    alternatives_dir = exercise / "alternatives"
    alternatives = sorted(p for p in alternatives_dir.iterdir() if p.is_dir()) if alternatives_dir.is_dir() else []
    assert len(mistakes) >= 6, "at least six realistic mistakes per exercise"
    assert len(alternatives) >= 1, "at least one correct alternative solution per exercise (alternatives/NAME/)"
    for folder, meta in [(m, "mistake.toml") for m in mistakes] + [(a, "alternative.toml") for a in alternatives]:
        data = tomllib.loads((folder / meta).read_text())
        assert data.get("description"), f"{folder.name}/{meta} has a description"
        assert overlay_files(folder, meta), f"{folder.name} overlays at least one file on solution/"
        if meta == "mistake.toml":
            assert data.get("must_fail"), f"{folder.name}: must_fail names the checks it fails"
            unknown = set(data["must_fail"]) - checks
            assert not unknown, f"{folder.name}: {sorted(unknown)} are not hidden check ids nor mutant:NAME"
