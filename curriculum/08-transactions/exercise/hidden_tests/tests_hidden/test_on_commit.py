"""Hidden checks: the confirmation e-mail waits for the commit."""

import json
from decimal import Decimal

import pytest
from django.core import mail

from inventory import services
from inventory.models import Product, Reservation


@pytest.fixture
def shelf():
    Product.objects.create(sku="TENT-2P", name="Two-person tent", price=Decimal("149.00"), stock=3)
    Product.objects.create(sku="STOVE-1", name="Camping stove", price=Decimal("39.50"), stock=1)


@pytest.mark.django_db
def test_confirmation_email_waits_for_the_commit(shelf, django_capture_on_commit_callbacks):
    # The test's own transaction never commits: callbacks are captured instead of run.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reservation = services.reservation_create(customer_email="sam@example.com", items={"TENT-2P": 1})
    sent_early = [message.subject for message in mail.outbox]
    assert sent_early == [], (
        "The confirmation e-mail was sent inside the transaction, before the reservation was committed: "
        "had the transaction rolled back, the customer would hold a confirmation for nothing. Register it "
        f"with transaction.on_commit(...) instead. Sent: {sent_early!r}"
    )
    assert callbacks, "No on_commit callback was registered: the confirmation e-mail is never sent."
    for callback in callbacks:
        callback()
    sent = [(message.to, message.subject) for message in mail.outbox]
    expected = [(["sam@example.com"], f"Reservation #{reservation.pk} confirmed")]
    assert sent == expected, (
        "Once committed, exactly one confirmation must go to the customer, sent by "
        f"send_reservation_confirmation().\nExpected {expected!r}\nGot      {sent!r}"
    )


@pytest.mark.django_db(transaction=True)
def test_view_answers_409_leaves_no_rows_and_mails_once_on_success(shelf, client):
    def post(items):
        body = json.dumps({"email": "sam@example.com", "items": items})
        return client.post("/reservations/", data=body, content_type="application/json")

    refused = post({"TENT-2P": 1, "STOVE-1": 3})
    assert (refused.status_code, refused.json()) == (409, {"error": "out_of_stock", "sku": "STOVE-1"}), (
        "POST /reservations/ must turn OutOfStock into 409 with "
        '{"error": "out_of_stock", "sku": <the product>}. '
        f"Got {refused.status_code}: {refused.content[:300]!r}"
    )
    stock = dict(Product.objects.values_list("sku", "stock"))
    assert stock == {"TENT-2P": 3, "STOVE-1": 1}, f"A refused reservation must not take any stock; stock is {stock!r}"
    assert mail.outbox == [], "A refused reservation must not send an e-mail."

    accepted = post({"TENT-2P": 2, "STOVE-1": 1})
    assert accepted.status_code == 201, f"Got {accepted.status_code}: {accepted.content[:300]!r}"
    # The amounts themselves are test_reservation_returns_exact_rows' business: here, only that it was stored.
    assert Reservation.objects.filter(pk=accepted.json().get("id")).exists(), (
        f"The 201 body must carry the id of the stored reservation. Got {accepted.content[:300]!r}"
    )
    # transaction=True: this commit is real, so on_commit callbacks really run.
    assert [message.to for message in mail.outbox] == [["sam@example.com"]], (
        "After a real commit exactly one confirmation e-mail must have gone out."
    )
