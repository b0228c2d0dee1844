"""Helpers that turn captured SQL into failure messages a learner can act on.

pytest-django prints the captured queries only with ``-v``; these helpers put the SQL in the
assertion message itself, grouping statements that differ only in their numbers, so that an
N+1 shows up as "the same SELECT ran 40 times".
"""

import re
from collections import Counter
from contextlib import contextmanager

_MAX_GROUPS = 6
_MAX_SQL_CHARS = 420


def normalise(sql):
    """Drop identifier quoting ("x", [x], `x`) so checks read the same on SQLite and SQL Server."""
    return re.sub(r'["\[\]`]', "", sql)


def counts_in_sql(sql):
    """True if the statement aggregates with COUNT (SQL Server's backend writes COUNT_BIG)."""
    return re.search(r"\bCOUNT(_BIG)?\s*\(", sql, re.IGNORECASE) is not None


def shape(sql):
    """The statement with its literal numbers and IN-lists replaced, to group repeats."""
    text = normalise(sql)
    text = re.sub(r"\bIN \([^)]*\)", "IN (...)", text)
    text = re.sub(r"'[^']*'", "'?'", text)
    return re.sub(r"\b\d+(\.\d+)?\b", "?", text)


def render(queries, why=""):
    """A short report of the SQL that ran, repeated statements first."""
    sqls = [q["sql"] for q in queries]
    lines = []
    if why:
        lines.append(why)
    groups = Counter(shape(sql) for sql in sqls)
    queries_word = "query" if len(sqls) == 1 else "queries"
    lines.append(f"SQL that ran: {len(sqls)} {queries_word} ({len(groups)} different; numbers shown as ?):")
    for text, count in groups.most_common(_MAX_GROUPS):
        if len(text) > _MAX_SQL_CHARS:
            text = text[:_MAX_SQL_CHARS] + " ..."
        marker = "  <-- repeated: one query per row?" if count > 1 else ""
        lines.append(f"  {count:>3} x {text}{marker}")
    if len(groups) > _MAX_GROUPS:
        lines.append(f"  ... and {len(groups) - _MAX_GROUPS} more")
    return "\n".join(lines)


class _LazyReport:
    """Passed as pytest-django's ``info``: rendered only if the query-count assertion fails."""

    def __init__(self, why):
        self.why = why
        self.context = None

    def __str__(self):
        if self.context is None:
            return self.why
        return render(self.context.captured_queries, self.why)


@contextmanager
def at_most(assert_max_num_queries, num, why):
    """``django_assert_max_num_queries(num)`` whose failure message shows the grouped SQL."""
    report = _LazyReport(why)
    with assert_max_num_queries(num, info=report) as context:
        report.context = context
        yield context


@contextmanager
def exactly(assert_num_queries, num, why):
    """``django_assert_num_queries(num)`` whose failure message shows the grouped SQL."""
    report = _LazyReport(why)
    with assert_num_queries(num, info=report) as context:
        report.context = context
        yield context
