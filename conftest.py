import pytest

from accounts.tests.factories import InstructorFactory, UserFactory
from tests.probe import PROBE_CURRICULUM

# Exercise projects have tests of their own; they run only inside the sandbox.
collect_ignore_glob = ["tests/fixtures/*", "curriculum/*"]


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


@pytest.fixture
def probe_exercise(db):
    """The tiny probe exercise (every grading stage, small limits), synced from its fixture curriculum."""
    from course.services import curriculum_sync
    from exercises.models import Exercise

    curriculum_sync(root=PROBE_CURRICULUM)
    return Exercise.objects.select_related("lesson").get(slug="probe")
