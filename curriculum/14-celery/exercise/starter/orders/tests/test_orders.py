"""Visible tests for orders. Run them with ``pytest``; the hidden tests go further."""

import smtplib
from decimal import Decimal

import pytest
from django.core import mail

from orders import services
from orders.models import Book, Order
from orders.tasks import send_order_confirmation


@pytest.fixture
def dune(db):
    return Book.objects.create(title="Dune", price=Decimal("9.50"), stock=3)


def test_order_place_takes_stock(dune, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = services.order_place(email="reader@example.com", items=[(dune.pk, 2)])
    dune.refresh_from_db()
    assert dune.stock == 1
    assert order.total == Decimal("19.00")


def test_confirmation_waits_for_the_commit(dune, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.order_place(email="reader@example.com", items=[(dune.pk, 1)])
    assert mail.outbox == []  # nothing is sent before the commit...
    assert len(callbacks) == 1  # ...the enqueue waits for it
    callbacks[0]()
    assert len(mail.outbox) == 1  # tasks run eagerly in tests (no broker)


def test_task_takes_an_id_and_runs_once(dune):
    order = Order.objects.create(email="reader@example.com")
    send_order_confirmation(order.pk)
    send_order_confirmation(order.pk)
    assert len(mail.outbox) == 1


def test_refused_address_is_not_retried(db, monkeypatch):
    order = Order.objects.create(email="nobody@invalid.example")
    attempts = []

    def refuse(**kwargs):
        attempts.append(kwargs)
        raise smtplib.SMTPRecipientsRefused({"nobody@invalid.example": (550, b"5.1.1 No such user")})

    monkeypatch.setattr("orders.tasks.send_confirmation_email", refuse)
    monkeypatch.setattr(send_order_confirmation, "max_retries", 3)  # eager retries recurse: keep them few
    result = send_order_confirmation.apply(args=[order.pk])
    assert result.state == "FAILURE"
    assert len(attempts) == 1
