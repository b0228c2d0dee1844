"""Hidden checks: the products are locked before their stock is read and changed.

See sql_trace.py for how ``SELECT ... FOR UPDATE`` is made visible on SQLite.
"""

import re
from decimal import Decimal

import pytest
from django.db.transaction import TransactionManagementError

from inventory import services
from inventory.models import Product
from tests_hidden.sql_trace import LOCK, pretend_row_locks, recording


@pytest.fixture
def shelf():
    Product.objects.create(sku="TENT-2P", name="Two-person tent", price=Decimal("149.00"), stock=3)
    Product.objects.create(sku="LAMP-1", name="Head lamp", price=Decimal("24.90"), stock=5)
    Product.objects.create(sku="STOVE-1", name="Camping stove", price=Decimal("39.50"), stock=1)


def reads_products(sql):
    return sql.upper().startswith("SELECT") and re.search(r"\bFROM INVENTORY_PRODUCT\b", sql, re.IGNORECASE)


def changes_stock(sql):
    return re.match(r"UPDATE INVENTORY_PRODUCT\b", sql, re.IGNORECASE) is not None


def run_traced(monkeypatch):
    with pretend_row_locks(monkeypatch), recording() as log:
        try:
            services.reservation_create(customer_email="ali@example.com", items={"STOVE-1": 1, "TENT-2P": 1})
        except TransactionManagementError as exc:
            pytest.fail(
                f"select_for_update() ran outside a transaction ({exc}). A row lock lasts until the end of the "
                "transaction, so in autocommit mode it would be released at once: lock inside the service's "
                "transaction.atomic block.",
                pytrace=False,
            )
    return log


@pytest.mark.django_db(transaction=True)
def test_products_are_locked_before_their_stock_changes(shelf, monkeypatch):
    log = run_traced(monkeypatch)
    statements = log.statements
    first_change = next((i for i, sql in enumerate(statements) if changes_stock(sql)), len(statements))
    first_read = next((sql for sql in statements[:first_change] if reads_products(sql)), None)
    assert first_read is not None and LOCK.search(first_read), (
        "The products' stock is read, checked and written back, but the first read of the products was not a "
        "SELECT ... FOR UPDATE (SQL Server: WITH (ROWLOCK, UPDLOCK)). Two customers can then both read stock = 1 "
        "and both take the last stove; a lock taken after the check protects nothing. Read the products with "
        "select_for_update() inside the transaction, before deciding anything.\n" + log.render()
    )


@pytest.mark.django_db(transaction=True)
def test_products_are_read_in_one_query(shelf, monkeypatch):
    # Only how the products are read is checked here; whether they are locked is the check
    # above, so a missing select_for_update() fails that check alone.
    log = run_traced(monkeypatch)
    # Up to the last stock change: the confirmation e-mail reads the products again after the commit.
    last_change = max((i for i, sql in enumerate(log.statements) if changes_stock(sql)), default=len(log.statements))
    reads = [sql for sql in log.statements[:last_change] if reads_products(sql)]
    locking = [sql for sql in reads if LOCK.search(sql)]
    # With locks, count the locking reads (an unlocked read before them is the check above).
    reads = locking or reads
    assert len(reads) == 1, (
        f"The products of one reservation were read in {len(reads)} queries. Read (and lock) them all in one "
        "query, filter(sku__in=...) or filter(pk__in=...): one index seek takes the row locks in the index's "
        "key order, the same in every transaction. Locking them one by one in the order the customer listed "
        "them lets two reservations of the same products lock them in opposite orders and deadlock (SQL "
        "Server error 1205).\n" + log.render()
    )
