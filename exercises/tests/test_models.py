import datetime

import pytest

from exercises.models import Exercise

NOW = datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("reveal", "due", "expected"),
    [
        ("never", NOW - datetime.timedelta(days=1), False),
        ("always", None, True),
        ("after_due", None, False),
        ("after_due", NOW + datetime.timedelta(minutes=1), False),
        ("after_due", NOW - datetime.timedelta(minutes=1), True),
    ],
)
def test_hidden_details_are_revealed_by_policy(reveal, due, expected):
    assert Exercise(reveal_hidden=reveal, due_at=due).hidden_details_revealed(NOW) is expected
