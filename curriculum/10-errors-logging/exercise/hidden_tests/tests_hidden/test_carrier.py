"""Hidden checks: the carrier API call has a timeout, and every failure is a logged 503.

The checks replace ``urllib.request.urlopen`` (the project calls it as
``urllib.request.urlopen(...)``): no network is used.
"""

import io
import json
import logging
import urllib.error
import urllib.request

import pytest

from parcels.models import Parcel

QUOTE_URL = "/api/parcels/CR12345678/quote/"
SECRET_HOST = "rates-internal.carrier.test"


@pytest.fixture
def parcel(db, settings):
    settings.CARRIER_API_URL = f"https://{SECRET_HOST}/v1/quote"
    return Parcel.objects.create(
        tracking_code="CR12345678", recipient_name="Ivo Stein", postcode="3511 LK", weight_grams=1200
    )


class FakeCarrier:
    """Stands in for urllib.request.urlopen; records each call's URL and timeout."""

    def __init__(self, outcome):
        self.outcome = outcome
        self.calls = []

    def __call__(self, url, data=None, timeout=None, **kwargs):
        target = url.full_url if isinstance(url, urllib.request.Request) else url
        self.calls.append({"url": target, "timeout": timeout})
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return io.BytesIO(self.outcome)


def install(monkeypatch, outcome):
    fake = FakeCarrier(outcome)
    monkeypatch.setattr(urllib.request, "urlopen", fake)
    return fake


def error_records(caplog):
    """Every ERROR (or worse) record except Django's own request log ("Service Unavailable: ...")."""
    return [r for r in caplog.records if r.levelno >= logging.ERROR and r.name != "django.request"]


def assert_logged_503(response, caplog, what):
    assert response.status_code == 503, (
        f"When the carrier {what}, the quote endpoint must answer 503 Service Unavailable, not "
        f"{response.status_code}: {response.content[:300]!r}"
    )
    body = response.json()
    error = body.get("error") if isinstance(body, dict) else None
    assert isinstance(error, dict) and (error.get("code"), error.get("status")) == ("carrier_unavailable", 503), (
        f'Expected {{"error": {{"code": "carrier_unavailable", "status": 503, "details": ...}}}}. Got {body!r}'
    )
    assert SECRET_HOST not in response.content.decode() and "Traceback" not in response.content.decode(), (
        f"The 503 body must not expose the carrier's URL or the exception: that belongs in the log. Got {body!r}"
    )
    records = error_records(caplog)
    assert len(records) == 1 and records[0].name == "parcels.carrier", (
        f"When the carrier {what}, log exactly one ERROR record, on the 'parcels.carrier' logger "
        "(logging.getLogger(__name__) in parcels/carrier.py), where the failure is caught; the view that "
        "turns it into a 503 must not log it again. Got these ERROR records: "
        f"{[(r.name, r.levelname, r.getMessage()) for r in records]!r}"
    )
    record = records[0]
    assert record.exc_info is not None, (
        "Log the failure with logger.exception(...) inside the except block, so that the record keeps the traceback."
    )
    assert getattr(record, "tracking_code", None) == "CR12345678", (
        "The log record must say which parcel it was about: pass extra={'tracking_code': parcel.tracking_code}. "
        f"Record attributes: {sorted(k for k in vars(record) if not k.startswith('_'))!r}"
    )


def test_quote_success_returns_the_carrier_quote(client, parcel, monkeypatch):
    fake = install(monkeypatch, json.dumps({"price": "6.40", "days": 2}).encode())
    response = client.get(QUOTE_URL)
    assert (response.status_code, response.json()) == (
        200,
        {"tracking_code": "CR12345678", "price": "6.40", "days": 2},
    ), (
        "A working carrier's quote must come back unchanged: the price as the exact decimal string the carrier "
        "sent (Decimal, never float: float('6.40') prints as 6.4) and the days as a number. "
        f"Got {response.status_code}: {response.content[:300]!r}"
    )
    assert len(fake.calls) == 1 and SECRET_HOST in fake.calls[0]["url"], (
        f"The quote must come from one call to settings.CARRIER_API_URL. Calls: {fake.calls!r}"
    )


def test_quote_success_calls_the_carrier_with_a_timeout(client, parcel, monkeypatch):
    fake = install(monkeypatch, json.dumps({"price": "6.40", "days": 2}).encode())
    client.get(QUOTE_URL)
    assert len(fake.calls) == 1, f"The quote must come from one call to the carrier. Calls: {fake.calls!r}"
    timeout = fake.calls[0]["timeout"]
    assert isinstance(timeout, int | float) and 0 < timeout <= 10, (
        "urlopen() was called without a usable timeout "
        f"(timeout={timeout!r}): a carrier that never answers would hold this worker forever. "
        "Pass timeout=settings.CARRIER_TIMEOUT_SECONDS."
    )


def test_carrier_timeout_is_a_logged_503(client, parcel, monkeypatch, caplog):
    install(monkeypatch, TimeoutError("timed out"))
    with caplog.at_level(logging.INFO):
        response = client.get(QUOTE_URL)
    assert_logged_503(response, caplog, "times out")


FAILURES = [
    ("cannot be reached", lambda: urllib.error.URLError(ConnectionRefusedError(111, "Connection refused"))),
    (
        "answers 502",
        lambda: urllib.error.HTTPError(f"https://{SECRET_HOST}/v1/quote", 502, "Bad Gateway", {}, io.BytesIO(b"")),
    ),
    ("answers something that is not JSON", lambda: b"<html>maintenance</html>"),
    ("answers JSON without a price", lambda: json.dumps({"days": 2}).encode()),
]


def test_other_carrier_failures_are_logged_503s(client, parcel, monkeypatch, caplog):
    for what, make_outcome in FAILURES:
        caplog.clear()
        install(monkeypatch, make_outcome())
        with caplog.at_level(logging.INFO):
            response = client.get(QUOTE_URL)
        assert_logged_503(response, caplog, what)
