from pathlib import Path

import pytest

from accounts.tests.factories import InstructorFactory, UserFactory


@pytest.fixture
def learner(db):
    return UserFactory()


@pytest.fixture
def instructor(db):
    return InstructorFactory()


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


PROBE_CURRICULUM = Path(__file__).parent / "tests" / "fixtures" / "probe-curriculum"
PROBE_EXERCISE = PROBE_CURRICULUM / "01-probe" / "exercise"


@pytest.fixture
def probe_exercise(db):
    """The tiny probe exercise (every grading stage, small limits), synced from its fixture curriculum."""
    from course.services import curriculum_sync
    from exercises.models import Exercise

    curriculum_sync(root=PROBE_CURRICULUM)
    return Exercise.objects.select_related("lesson").get(slug="probe")
