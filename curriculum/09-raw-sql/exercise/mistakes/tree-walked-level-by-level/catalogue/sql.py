"""Raw SQL for the catalogue app: the only module of the project that talks SQL.

Why raw: the subject tree has any depth, and the ORM cannot write the recursive query
(WITH ... UNION ALL ...) that walks it in one round trip; walking it in Python costs one
query per level and branch. Everything that is not the tree walk stays in the ORM's hands
elsewhere; the search lives here only because it filters on that walk.

Rules for this module:
- every value goes to the database as a parameter (``%s`` in the SQL, a list of params);
- identifiers (the ORDER BY column) come from the SORT_COLUMNS allow-list, never from input;
- the SQL runs on SQLite (tests) and SQL Server (production): no RECURSIVE keyword (SQL
  Server refuses it, SQLite does not need it), no MAXRECURSION hint (SQLite refuses it), so
  the depth is capped in the query itself.
Covered by catalogue/tests/test_sql.py.
"""

from django.db import connection

# The allow-list of sort keys -> SQL columns. Only these constants are ever formatted into SQL.
SORT_COLUMNS = {"title": "b.title", "author": "b.author", "year": "b.year"}

# Anchor: the start subject. Recursive member: the children of the rows found so far.
# One parameter: the start subject's id. Subjects never nest 20 deep: the cap stops a runaway
# walk if bad data ever makes a cycle.
_SUBJECT_TREE_CTE = """
WITH tree (id, depth) AS (
    SELECT s.id, 0 FROM catalogue_subject AS s WHERE s.id = %s
    UNION ALL
    SELECT child.id, tree.depth + 1
    FROM catalogue_subject AS child
    INNER JOIN tree ON child.parent_id = tree.id
    WHERE tree.depth < 20
)
"""

# One parameter: the LIKE pattern. ESCAPE makes \%, \_ and \[ match literally.
_SEARCH_SQL = """
SELECT b.id, b.title, b.author, b.year, s.name
FROM catalogue_book AS b
INNER JOIN catalogue_subject AS s ON s.id = b.subject_id
WHERE LOWER(b.title) LIKE %s ESCAPE '\\'
"""

_IN_TREE_SQL = "AND b.subject_id IN (SELECT id FROM tree)\n"

_DESCENDANT_IDS_SQL = _SUBJECT_TREE_CTE + "SELECT id FROM tree ORDER BY id"  # noqa: S608 (two constants, no input)


def like_pattern(term: str) -> str:
    """A LIKE pattern that finds ``term`` anywhere, with its own wildcards taken literally.

    ``%`` and ``_`` are wildcards everywhere, ``[`` on SQL Server too; the backslash is our
    ESCAPE character, so it is escaped first.
    """
    escaped = term.lower()
    for char in ("\\", "%", "_", "["):
        escaped = escaped.replace(char, "\\" + char)
    return f"%{escaped}%"


def subject_descendant_ids(*, subject_id: int) -> list[int]:
    """The ids of a subject and all of its descendants, in ascending order ([] if unknown)."""
    found, level = [], [subject_id]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM catalogue_subject WHERE id = %s", [subject_id])
        level = [row[0] for row in cursor.fetchall()]
        while level:
            found.extend(level)
            placeholders = ", ".join(["%s"] * len(level))
            cursor.execute(
                f"SELECT id FROM catalogue_subject WHERE parent_id IN ({placeholders})",  # noqa: S608
                level,
            )
            level = [row[0] for row in cursor.fetchall()]
    return sorted(found)


def book_search(*, term: str, subject_id: int | None = None, sort: str = "title") -> list[dict]:
    """Books whose title contains ``term`` (case-insensitive, taken literally).

    With ``subject_id``, only books filed under that subject or any subject below it.
    ``sort`` is one of SORT_COLUMNS; ties are broken by id. Raises ValueError for any other
    sort key, before any SQL runs.
    """
    column = SORT_COLUMNS.get(sort)
    if column is None:
        raise ValueError(f"unknown sort key {sort!r}; expected one of {sorted(SORT_COLUMNS)}")
    params = [like_pattern(term)]
    sql = _SEARCH_SQL
    if subject_id is not None:
        sql = _SUBJECT_TREE_CTE + _SEARCH_SQL + _IN_TREE_SQL
        params = [subject_id, *params]
    # `column` comes from the allow-list above, never from the caller's text.
    sql += f"ORDER BY {column}, b.id"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            {"id": id_, "title": title, "author": author, "year": year, "subject": subject}
            for id_, title, author, year, subject in cursor.fetchall()
        ]
