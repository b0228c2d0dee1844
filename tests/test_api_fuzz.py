"""Property-based fuzzing of the REST API from its own OpenAPI schema (schemathesis on hypothesis).

Every operation gets bounded generated requests (bodies, path parameters and query strings)
with a real token, through the WSGI app inside the test's transaction. No answer may be a
server error, and every error must have the documented shape.

The schema is loaded when the module is collected (pytest-django has set Django up by then;
serving it touches no database). schemathesis' lazy `from_fixture` loader does not work with
pytest 9 (it sets a private node attribute that pytest 9 no longer has).
"""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from accounts.tests.api import token_client
from exercises.tests.factories import SubmissionFactory

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


@pytest.fixture
def auth(learner, probe_exercise, settings):
    rates = {"submissions": "10000/minute", "token_create": "10000/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    cache.clear()
    SubmissionFactory(user=learner, exercise=probe_exercise)  # something for the id paths to find
    # As Django's test client does: keep the test's connection (and transaction) open across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Token {token_client(learner).raw_token}"}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_makes_the_api_fail(case, auth):
    response = case.call(headers=auth)
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
    if response.status_code >= 400:
        error = response.json()["error"]
        assert set(error) == {"code", "message", "details"}
        assert isinstance(error["code"], str)
