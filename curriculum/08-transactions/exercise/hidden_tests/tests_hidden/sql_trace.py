"""Record (and, on demand, break) the SQL a piece of code sends to the database.

``StatementLog`` is installed with ``connection.execute_wrapper()``: it sees every statement
before the database does, whichever ORM method produced it.

SQLite has no row locks, so Django silently drops ``select_for_update()`` there and the SQL
would never show it. ``pretend_row_locks()`` tells Django that this SQLite connection supports
``SELECT ... FOR UPDATE``: Django then renders the clause (and refuses it outside a
transaction, exactly as on SQL Server), the log records it, and the log strips it again before
SQLite sees the statement. On SQL Server the real hint, ``WITH (ROWLOCK, UPDLOCK)``, is
recorded and sent unchanged.
"""

import re
from contextlib import contextmanager

from django.db import DatabaseError, connection

LOCK = re.compile(r"\bFOR UPDATE\b|\bUPDLOCK\b", re.IGNORECASE)
_SQLITE_LOCK_CLAUSE = re.compile(r"\s+FOR UPDATE\b", re.IGNORECASE)


def normalise(sql):
    """Drop identifier quoting ("x", [x], `x`) so checks read the same on SQLite and SQL Server."""
    return re.sub(r'["\[\]`]', "", sql).strip()


class StatementLog:
    def __init__(self, fail_when=None):
        self.statements = []
        self.fail_when = fail_when
        self.failed_on = None

    def __call__(self, execute, sql, params, many, context):
        text = normalise(sql)
        self.statements.append(text)
        if self.fail_when is not None and self.failed_on is None and self.fail_when(text):
            self.failed_on = text
            raise DatabaseError(f"injected failure on: {text[:80]}")
        if connection.vendor == "sqlite":
            sql = _SQLITE_LOCK_CLAUSE.sub("", sql)
        return execute(sql, params, many, context)

    def render(self, limit=15):
        lines = [f"SQL that ran ({len(self.statements)} statements):"]
        for text in self.statements[:limit]:
            shown = text if len(text) <= 200 else text[:200] + " ..."
            lines.append(f"  {shown}")
        if len(self.statements) > limit:
            lines.append(f"  ... and {len(self.statements) - limit} more")
        return "\n".join(lines)


@contextmanager
def recording(fail_when=None):
    log = StatementLog(fail_when)
    with connection.execute_wrapper(log):
        yield log


@contextmanager
def pretend_row_locks(monkeypatch):
    if connection.vendor == "sqlite":
        monkeypatch.setattr(connection.features, "has_select_for_update", True)
    yield
