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
    locked_before = [sql for sql in statements[:first_change] if reads_products(sql) and LOCK.search(sql)]
    assert locked_before, (
        "The products' stock is read, checked and written back, but no SELECT ... FOR UPDATE (SQL Server: "
        "WITH (ROWLOCK, UPDLOCK)) locked the products first. Two customers can then both read stock = 1 and "
        "both take the last stove. Read the products with select_for_update() inside the transaction.\n"
        + log.render()
    )


@pytest.mark.django_db(transaction=True)
def test_products_are_locked_in_one_query_in_a_stable_order(shelf, monkeypatch):
    log = run_traced(monkeypatch)
    locking = [sql for sql in log.statements if reads_products(sql) and LOCK.search(sql)]
    one_ordered = len(locking) == 1 and re.search(r"\bORDER BY\b", locking[0], re.IGNORECASE)
    assert one_ordered, (
        f"The products were locked in {len(locking)} queries"
        + ("" if len(locking) != 1 else " without an ORDER BY")
        + ". Lock every product of the reservation in one select_for_update() query ordered by a stable key "
        "(order_by('pk')): locking them one by one in the order the customer listed them lets two "
        "reservations of the same products lock them in opposite orders and deadlock (SQL Server error 1205).\n"
        + log.render()
    )
