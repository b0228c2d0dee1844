"""Every exercise's hidden suite passes on its reference solution in any order, at any hour.

Host-side and fast (no Docker): see tests/hidden_suites.py for how the grader's hidden stage is
reproduced, how the order is shuffled and how the clock is simulated. Each exercise runs at
three simulated instants chosen to cross boundaries (midnight, a month and a year end, a DST
change), each with its own shuffled order.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from tests.hidden_suites import EXERCISE_DIRS, run_hidden

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
