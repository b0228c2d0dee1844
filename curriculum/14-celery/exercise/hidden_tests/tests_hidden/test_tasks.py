"""Hidden checks for orders.tasks.send_order_confirmation: ids, idempotency, retries."""

import random
import smtplib
from datetime import datetime
from decimal import Decimal

import pytest
from celery import states
from celery.exceptions import Retry
from django.core import mail

from orders.models import Book, Order, OrderLine
from orders.tasks import send_order_confirmation
from tests_hidden.mail_backends import FlakyBackend, RetriedForever

TRANSIENT = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
# The three transient errors orders/emails.py lists: a hang-up, a refused connection, a timeout.
TRANSIENTS = [
    smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
    ConnectionRefusedError(111, "Connection refused"),
    TimeoutError("timed out"),
]
PERMANENT = smtplib.SMTPRecipientsRefused({"nobody@invalid.example": (550, b"5.1.1 No such user")})


@pytest.fixture
def order(db):
    """An order of two books (total 31.50), saved and committed as the task would find it."""
    dune = Book.objects.create(title="Dune", price=Decimal("9.50"), stock=5)
    emma = Book.objects.create(title="Emma", price=Decimal("12.50"), stock=5)
    placed = Order.objects.create(email="reader@example.com")
    OrderLine.objects.create(order=placed, book=dune, quantity=2, price=dune.price)
    OrderLine.objects.create(order=placed, book=emma, quantity=1, price=emma.price)
    return placed


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests_hidden.mail_backends.FlakyBackend"
    FlakyBackend.reset()
    yield FlakyBackend
    FlakyBackend.reset()


@pytest.fixture
def run_eagerly(monkeypatch):
    """Run the task the way a worker would, retries included (eagerly: no broker, no waiting).

    Eager retries recurse, so an unbounded max_retries is capped here at 12: the checks still see
    every extra attempt, without recursing until Python gives up.
    """
    if not isinstance(send_order_confirmation.max_retries, int) or send_order_confirmation.max_retries > 12:
        monkeypatch.setattr(send_order_confirmation, "max_retries", 12)
    return _run


def _run(order_id):
    try:
        return send_order_confirmation.apply(args=[order_id])
    except RetriedForever as exc:
        pytest.fail(
            f"The task kept retrying ({exc}). Retries must stop: give the task a small max_retries, and "
            "retry only errors that can go away (a refused address never will)."
        )


def test_task_takes_an_order_id(order):
    send_order_confirmation(order.pk)
    assert len(mail.outbox) == 1, (
        f"send_order_confirmation(order.pk) sent {len(mail.outbox)} e-mails; it must take the order's id "
        "(not the Order object), load the order itself and send one confirmation."
    )
    message = mail.outbox[0]
    assert message.to == ["reader@example.com"] and f"#{order.pk}" in message.subject, (
        f"The confirmation goes to the order's e-mail with the order number in the subject; got to={message.to}, "
        f"subject={message.subject!r}."
    )
    assert "31.50" in message.body, f"The body must show the order total 31.50; got {message.body!r}."


def test_task_twice_sends_one_email(order):
    send_order_confirmation(order.pk)
    send_order_confirmation(order.pk)
    order.refresh_from_db()
    assert len(mail.outbox) == 1, (
        f"Running the task twice sent {len(mail.outbox)} e-mails. Celery delivers at least once (retries, "
        "acks_late redeliveries, double clicks): record that the confirmation was sent "
        "(Order.confirmation_sent_at) and skip the work when it already was."
    )
    assert order.confirmation_sent_at is not None, "After a successful run, Order.confirmation_sent_at must be set."


def test_task_skips_missing_order(db, run_eagerly):
    result = run_eagerly(987654)
    assert result.state == states.SUCCESS and len(mail.outbox) == 0, (
        f"For an order that does not exist the task ended in {result.state} ({result.result!r}). A deleted order "
        "will not come back: log it and return, without raising (and without retrying)."
    )


def test_transient_error_is_retried(order, flaky, run_eagerly):
    flaky.reset(TRANSIENTS)
    result = run_eagerly(order.pk)
    order.refresh_from_db()
    assert result.state == states.SUCCESS and flaky.attempts == 4, (
        "The mail server hung up, then refused the connection, then timed out, then worked. The task ended in "
        f"{result.state} after {flaky.attempts} attempt(s) ({result.result!r}): each of the three transient errors "
        "orders/emails.py lists (SMTPServerDisconnected, ConnectionError, TimeoutError) must be retried."
    )
    assert len(mail.outbox) == 1 and order.confirmation_sent_at is not None


def test_permanent_error_is_not_retried(order, flaky, run_eagerly):
    flaky.reset([PERMANENT], repeat_last=True)
    result = run_eagerly(order.pk)
    order.refresh_from_db()
    assert flaky.attempts == 1, (
        f"The server refused the address (SMTPRecipientsRefused) and the task tried {flaky.attempts} times. "
        "A permanent error fails the same way on every attempt: list only transient exception classes in "
        "autoretry_for. Careful: every smtplib error is an OSError, so autoretry_for=(OSError,) or "
        "(Exception,) catches this one too."
    )
    assert order.confirmation_sent_at is None, "A confirmation that was never sent must not be marked as sent."


def no_jitter(monkeypatch):
    """Random jitter at its largest, so that the delays measured are the backoff's own."""
    monkeypatch.setattr(random, "randrange", lambda *args: args[1] - 1 if len(args) > 1 else args[0] - 1)
    monkeypatch.setattr(random, "randint", lambda low, high: high)
    monkeypatch.setattr(random, "uniform", lambda low, high: max(low, high))
    monkeypatch.setattr(random, "random", lambda: 1.0)


def record_retry_delays(monkeypatch):
    """Wrap the task's retry() and record the delay of every retry that is scheduled.

    autoretry_for and a hand-written self.retry(countdown=...) both go through Task.retry; a
    retry that is refused (max_retries reached) raises the original error instead and is dropped.
    """
    delays = []
    original = send_order_confirmation.retry

    def retry(*args, **kwargs):
        countdown, eta = kwargs.get("countdown"), kwargs.get("eta")
        if countdown is None and eta is not None:
            now = datetime.now(eta.tzinfo)
            countdown = (eta - now).total_seconds()
        if countdown is None:
            countdown = send_order_confirmation.default_retry_delay
        delays.append(countdown)
        try:
            return original(*args, **kwargs)
        except Retry:
            raise
        except BaseException:
            delays.pop()
            raise

    monkeypatch.setattr(send_order_confirmation, "retry", retry)
    return delays


def test_retries_are_bounded_with_backoff(order, flaky, run_eagerly, monkeypatch):
    no_jitter(monkeypatch)
    delays = record_retry_delays(monkeypatch)
    flaky.reset([TRANSIENT], repeat_last=True)
    result = run_eagerly(order.pk)
    assert result.state == states.FAILURE and 2 <= flaky.attempts <= 11, (
        f"With the mail server down for good, the task made {flaky.attempts} attempts and ended in {result.state}. "
        "Retries must stop after a few attempts (max_retries, e.g. 5), then the task fails."
    )
    shown = ", ".join(f"{delay:g}s" for delay in delays)
    grows = len(delays) >= 2 and delays[0] >= 1 and all(
        later >= 1.5 * earlier or later >= 300 for earlier, later in zip(delays, delays[1:], strict=False)
    )
    assert grows and max(delays) <= 3600, (
        f"The successive retries were scheduled after {shown or 'no delay at all'}. Back off exponentially: "
        "wait at least a second, then roughly double the wait on every retry (retry_backoff=True, or "
        "countdown=2 ** self.request.retries), capped at a sensible maximum; retrying at once hammers a mail "
        "server that is already struggling."
    )
