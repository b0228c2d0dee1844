"""Visible tests for the parcel API's error handling. Run them with ``pytest``."""

import logging
import urllib.request

import pytest

from parcels.models import Parcel


@pytest.fixture
def parcel(db):
    return Parcel.objects.create(
        tracking_code="CR10000001", recipient_name="Ada Byrne", postcode="1011 AA", weight_grams=500
    )


def test_parcel_detail(client, parcel):
    response = client.get("/api/parcels/CR10000001/")
    assert response.status_code == 200
    assert response.json()["recipient_name"] == "Ada Byrne"


def test_unknown_parcel_is_a_json_404(client, db):
    response = client.get("/api/parcels/CR00000000/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_duplicate_tracking_code_is_a_409(client, parcel):
    data = {"tracking_code": "CR10000001", "recipient_name": "Bo Lind", "postcode": "2000 BB", "weight_grams": 100}
    response = client.post("/api/parcels/", data, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "duplicate_tracking_code"


def test_carrier_timeout_is_a_logged_503(client, parcel, monkeypatch, caplog):
    def never_answers(url, data=None, timeout=None, **kwargs):
        raise TimeoutError("timed out")

    # The carrier client calls urllib.request.urlopen(...): replace it, no network needed.
    monkeypatch.setattr(urllib.request, "urlopen", never_answers)
    with caplog.at_level(logging.INFO):
        response = client.get("/api/parcels/CR10000001/quote/")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "carrier_unavailable"
    errors = [r for r in caplog.records if r.name == "parcels.carrier" and r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert errors[0].tracking_code == "CR10000001"
