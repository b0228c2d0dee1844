"""Hidden checks: every API error has the same JSON shape, with the right status code.

The shape: {"error": {"code": <str>, "status": <int>, "details": <message or field errors>}}.
"""

import pytest
from django.db import connection

from parcels import services
from parcels.models import Parcel

NEW_PARCEL = {
    "tracking_code": "CR00000042",
    "recipient_name": "Noor Haddad",
    "postcode": "1012 AB",
    "weight_grams": 850,
}


@pytest.fixture
def parcel(db):
    return Parcel.objects.create(
        tracking_code="CR12345678", recipient_name="Ivo Stein", postcode="3511 LK", weight_grams=1200
    )


def error_of(response):
    """The body's "error" object, or a readable failure if the body is not in the API's error format."""
    try:
        body = response.json()
    except ValueError:
        pytest.fail(
            f"Expected a JSON error body, got {response.status_code}: {response.content[:300]!r}", pytrace=False
        )
    well_formed = isinstance(body, dict) and set(body) == {"error"} and isinstance(body["error"], dict)
    well_formed = well_formed and set(body["error"]) == {"code", "status", "details"}
    if not well_formed:
        pytest.fail(
            'Every API error must have the body {"error": {"code": ..., "status": ..., "details": ...}} '
            f"(one format for every endpoint: a custom DRF exception handler). Got {response.status_code}: {body!r}",
            pytrace=False,
        )
    return body["error"]


def test_unknown_parcel_is_a_json_404(client, parcel):
    found = client.get("/api/parcels/CR12345678/")
    assert (found.status_code, found.json()) == (
        200,
        {"tracking_code": "CR12345678", "recipient_name": "Ivo Stein", "postcode": "3511 LK", "weight_grams": 1200},
    ), f"GET of an existing parcel must still work. Got {found.status_code}: {found.content[:300]!r}"
    for url in ["/api/parcels/CR99999999/", "/api/parcels/CR99999999/quote/"]:
        response = client.get(url)
        assert response.status_code == 404, (
            f"GET {url} for a parcel that does not exist must be 404, not {response.status_code}: catch "
            "Parcel.DoesNotExist (or use get_object_or_404) instead of letting it become a 500."
        )
        error = error_of(response)
        assert (error["code"], error["status"], type(error["details"])) == ("not_found", 404, str), (
            f"GET {url}: expected code 'not_found', status 404 and a message in details. Got {error!r}"
        )


def test_validation_errors_use_the_error_format(client, db):
    response = client.post(
        "/api/parcels/",
        {"tracking_code": "cr-1", "postcode": "1012 AB", "weight_grams": 0},
        content_type="application/json",
    )
    assert response.status_code == 400, f"Invalid input must be 400, got {response.status_code}"
    error = error_of(response)
    fields = sorted(error["details"]) if isinstance(error["details"], dict) else error["details"]
    assert (error["code"], error["status"], fields) == (
        "invalid",
        400,
        ["recipient_name", "tracking_code", "weight_grams"],
    ), (
        "A validation error keeps the serializer's field errors in details (one key per bad field), with code "
        f"'invalid' and status 400. Got {error!r}"
    )


def test_duplicate_tracking_code_is_a_409(client, parcel):
    response = client.post(
        "/api/parcels/", {**NEW_PARCEL, "tracking_code": "CR12345678"}, content_type="application/json"
    )
    assert response.status_code == 409, (
        f"Registering a tracking code that is already taken must be 409 Conflict, got {response.status_code}: "
        f"{response.content[:300]!r}"
    )
    error = error_of(response)
    assert (error["code"], error["status"], type(error["details"])) == ("duplicate_tracking_code", 409, str), (
        f"Expected code 'duplicate_tracking_code', status 409 and a message in details. Got {error!r}"
    )
    assert Parcel.objects.count() == 1
    created = client.post("/api/parcels/", NEW_PARCEL, content_type="application/json")
    assert (created.status_code, created.json()) == (201, NEW_PARCEL), (
        f"A new tracking code must still be registered (201 with the parcel). Got {created.status_code}: "
        f"{created.content[:300]!r}"
    )


def test_duplicate_race_is_caught_in_a_savepoint(parcel):
    """Another request registers the same code between any check and our INSERT."""
    state = {"raced": False}

    def racing_request(execute, sql, params, many, context):
        if not state["raced"] and sql.lstrip().upper().startswith("INSERT") and "parcels_parcel" in sql:
            state["raced"] = True
            Parcel.objects.create(
                tracking_code="CR00000042", recipient_name="Someone Else", postcode="9999 ZZ", weight_grams=1
            )
        return execute(sql, params, many, context)

    with connection.execute_wrapper(racing_request):
        try:
            services.parcel_register(**NEW_PARCEL)
        except services.DuplicateTrackingCode:
            pass
        else:
            pytest.fail(
                "Another request registered CR00000042 just before this INSERT, yet parcel_register() did not raise "
                "DuplicateTrackingCode. Checking first (exists()) cannot see a row that arrives between the check "
                "and the write: catch the IntegrityError of the INSERT itself.",
                pytrace=False,
            )
    # The test runs inside a transaction, like a service called from another service.
    try:
        still_there = Parcel.objects.filter(tracking_code="CR12345678").exists()
    except Exception as exc:  # noqa: BLE001 (the point is to show which error it was)
        pytest.fail(
            f"After the refused INSERT the surrounding transaction is unusable ({type(exc).__name__}: {exc}). Wrap "
            "the INSERT in its own transaction.atomic() so that the IntegrityError rolls back only that savepoint.",
            pytrace=False,
        )
    assert still_there, "The refused INSERT must not roll back the work done before it in the same transaction."


def test_method_not_allowed_uses_the_error_format(client, parcel):
    response = client.delete("/api/parcels/CR12345678/")
    assert response.status_code == 405
    error = error_of(response)
    assert (error["code"], error["status"]) == ("method_not_allowed", 405), (
        f"DRF's own errors (here 405) must use the same format, through the exception handler. Got {error!r}"
    )
