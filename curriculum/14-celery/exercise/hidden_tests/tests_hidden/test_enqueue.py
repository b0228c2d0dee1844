"""Hidden checks for orders.services.order_place: the task is enqueued with an id, after commit."""

import json
from decimal import Decimal

import pytest
from django.db import transaction

from orders import services
from orders.models import Book, Order
from orders.tasks import send_order_confirmation


@pytest.fixture
def books(db):
    return (
        Book.objects.create(title="Dune", price=Decimal("9.50"), stock=5),
        Book.objects.create(title="Emma", price=Decimal("12.50"), stock=1),
    )


@pytest.fixture
def sent(monkeypatch):
    """Every message the task would send to the broker (delay, apply_async and delay_on_commit end here)."""
    messages = []

    def fake_apply_async(args=None, kwargs=None, **options):
        messages.append((tuple(args or ()), dict(kwargs or {})))

    monkeypatch.setattr(send_order_confirmation, "apply_async", fake_apply_async)
    return messages


def test_confirmation_is_enqueued_on_commit(books, sent, django_capture_on_commit_callbacks):
    dune, _ = books
    with django_capture_on_commit_callbacks() as callbacks:
        services.order_place(email="reader@example.com", items=[(dune.pk, 2)])
        sent_before_commit = list(sent)
    assert not sent_before_commit, (
        "order_place() sent the task while its transaction was still open. A worker can pick it up before the "
        "commit (Order.DoesNotExist), or the transaction can roll back after it was sent. Enqueue it with "
        "delay_on_commit() or transaction.on_commit()."
    )
    assert len(callbacks) == 1, f"Expected one on-commit callback (the enqueue), found {len(callbacks)}."
    callbacks[0]()
    assert len(sent) == 1, f"After the commit the task must be sent exactly once; it was sent {len(sent)} times."


def test_task_receives_a_json_friendly_id(books, sent, django_capture_on_commit_callbacks):
    dune, _ = books
    with django_capture_on_commit_callbacks(execute=True):
        order = services.order_place(email="reader@example.com", items=[(dune.pk, 1)])
    assert sent, "order_place() never enqueued send_order_confirmation."
    args, kwargs = sent[0]
    values = list(args) + list(kwargs.values())
    try:
        json.dumps(values)
        serialisable = True
    except TypeError:
        serialisable = False
    assert serialisable and values == [order.pk], (
        f"The task was enqueued with {values!r}. Task arguments travel as JSON and the task runs later: pass "
        f"the order's id ({order.pk}) and let the task load the current row."
    )


def test_failed_order_enqueues_nothing(books, sent, django_capture_on_commit_callbacks):
    dune, emma = books
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(services.OutOfStock):
            services.order_place(email="reader@example.com", items=[(dune.pk, 1), (emma.pk, 3)])
        # The checkout calls order_place() inside its own transaction, then the payment is declined.
        with pytest.raises(RuntimeError), transaction.atomic():
            services.order_place(email="payer@example.com", items=[(dune.pk, 1)])
            raise RuntimeError("payment declined")
    assert not Order.objects.exists(), "An order that failed must leave nothing behind (transaction.atomic)."
    assert not sent, (
        "Both orders rolled back (Emma was out of stock; the caller's transaction around the second one failed), "
        f"yet {len(sent)} confirmation(s) were enqueued. Enqueued on commit, a task for a transaction that "
        "rolls back is never sent, however far out the transaction began."
    )
