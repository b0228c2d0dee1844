"""See the SQL text and the parameters separately, as the database driver receives them.

CaptureQueriesContext is not enough here: on SQLite it records ``last_executed_query``, in
which Django has already pasted the (quoted) parameters into the SQL for display. An
``execute_wrapper`` sees what is really sent: the SQL text with placeholders, and the values
beside it.
"""

from contextlib import contextmanager

from django.db import connection


class Recorder:
    def __init__(self):
        self.calls = []

    def __call__(self, execute, sql, params, many, context):
        self.calls.append((sql, list(params or [])))
        return execute(sql, params, many, context)

    @property
    def sql_texts(self):
        return [sql for sql, _ in self.calls]

    @property
    def params(self):
        return [value for _, params in self.calls for value in params]

    def render(self):
        lines = [f"Statements sent ({len(self.calls)}):"]
        for sql, params in self.calls[:8]:
            text = " ".join(sql.split())
            lines.append(f"  SQL:    {text[:300]}")
            lines.append(f"  params: {params!r}")
        return "\n".join(lines)


@contextmanager
def recording():
    recorder = Recorder()
    with connection.execute_wrapper(recorder):
        yield recorder


def book_table_intact(expected_count):
    """True if catalogue_book still exists and still holds ``expected_count`` rows."""
    table = connection.ops.quote_name("catalogue_book")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (a constant table name)
        return cursor.fetchone()[0] == expected_count
