"""Every exercise's hidden suite passes on its reference solution in any order, at any hour.

Host-side and fast (no Docker): see tests/hidden_suites.py for how the grader's hidden stage is
reproduced, how the order is shuffled and how the clock is simulated. Each exercise runs at
three simulated instants chosen to cross boundaries (midnight, a month and a year end, a DST
change), each with its own shuffled order.
"""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from tests.hidden_suites import EXERCISE_DIRS, run_hidden

CLOCKS = [
    (datetime(2026, 12, 31, 23, 59, 40, tzinfo=UTC), "UTC", 11),  # a year ends mid-run
    (datetime(2027, 3, 28, 0, 59, 45, tzinfo=UTC), "Europe/Berlin", 23),  # DST starts in Europe
    (datetime(2027, 2, 28, 12, 0, 0, tzinfo=UTC), "America/Los_Angeles", 37),  # noon, end of February
]


def test_there_are_exercises():
    assert len(EXERCISE_DIRS) >= 15


@pytest.mark.parametrize("exercise", EXERCISE_DIRS, ids=[p.parent.name for p in EXERCISE_DIRS])
def test_hidden_suite_passes_on_the_reference_at_any_time_in_any_order(exercise):
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(lambda c: (c, run_hidden(exercise, seed=c[2], clock=c[0], tz=c[1])), CLOCKS))
    for (clock, tz, seed), outcomes in runs:
        output = outcomes.pop("_output")
        bad = {node: outcome for node, outcome in outcomes.items() if outcome != "passed"}
        assert outcomes, "the exercise lists hidden checks"
        assert bad == {}, f"at {clock.isoformat()} ({tz}), seed {seed}:\n{output}"
