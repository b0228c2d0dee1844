"""Raw SQL for the catalogue app: the ONLY module of the project that may talk SQL.

TODO(isolate): the search query lives in catalogue/views.py today. Move it here, behind
``book_search()``, and make the view call it.

Why raw at all: subjects nest to any depth (Science > Biology > Botany), and the ORM cannot
write the recursive query (WITH ... UNION ALL ...) that walks the tree in one round trip.

The SQL must run on SQLite (tests) and on SQL Server (production):
- write ``WITH tree (...) AS (...)`` without the RECURSIVE keyword (SQL Server refuses it,
  SQLite does not need it), and no ``OPTION (MAXRECURSION n)`` (SQLite refuses it): cap the
  depth in the query itself;
- use ``LOWER(...) LIKE ...`` for a case-insensitive search.
"""

# TODO(identifiers): the only sort keys; anything else must raise ValueError.
SORT_COLUMNS = {"title": "b.title", "author": "b.author", "year": "b.year"}


def subject_descendant_ids(*, subject_id: int) -> list[int]:
    """The ids of a subject and all of its descendants, in ascending order ([] if unknown).

    TODO(worked-example): one recursive query over catalogue_subject.parent_id. The id is a
    parameter like any other value.
    """
    raise NotImplementedError("TODO: subject_descendant_ids() is not written yet")


def book_search(*, term: str, subject_id: int | None = None, sort: str = "title") -> list[dict]:
    """Books whose title contains ``term`` (case-insensitive), as dicts::

        {"id": 3, "title": "Plant Physiology", "author": "Lincoln Taiz", "year": 2010, "subject": "Botany"}

    - ``term`` is taken literally: a user's ``%`` or ``_`` is not a wildcard;
    - with ``subject_id``, only books filed under that subject or any subject below it;
    - ``sort`` is a key of SORT_COLUMNS (ties broken by id); any other value raises
      ValueError before any SQL runs.

    TODO(parameterized): every value goes to the database as a parameter.
    """
    raise NotImplementedError("TODO: move the search query here from catalogue/views.py")
