"""Hidden checks for ``catalogue.sql.subject_descendant_ids``."""

import pytest
from django.db import DatabaseError

from catalogue import sql
from catalogue.models import Subject
from tests_hidden.library_data import BOOK_COUNT, build_library
from tests_hidden.sql_trace import book_table_intact, recording


@pytest.fixture
def library(db):
    return build_library()


def test_subject_tree_exact_ids(library):
    ids = {name: subject.pk for name, subject in library.items()}
    with recording() as recorder:
        science = sql.subject_descendant_ids(subject_id=ids["Science"])
    assert len(recorder.calls) == 1, (
        f"subject_descendant_ids() sent {len(recorder.calls)} statements for a tree three levels deep: walk it in "
        "one recursive query (WITH tree AS (... UNION ALL ...)), not one query per level.\n" + recorder.render()
    )
    got = {
        "Science": science,
        "Botany": sql.subject_descendant_ids(subject_id=ids["Botany"]),
        "unknown": sql.subject_descendant_ids(subject_id=987654),
    }
    expected = {
        "Science": sorted([ids["Science"], ids["Biology"], ids["Botany"], ids["Physics"]]),
        "Botany": [ids["Botany"]],
        "unknown": [],
    }
    assert got == expected, (
        "subject_descendant_ids() must return the subject itself and every subject below it, at any depth, "
        f"as a sorted list of ids ([] for an unknown id).\nExpected {expected!r}\nGot      {got!r}"
    )
    parent = library["Botany"]
    chain = []
    for depth in range(6):
        parent = Subject.objects.create(name=f"Level {depth}", parent=parent)
        chain.append(parent.pk)
    deep = sql.subject_descendant_ids(subject_id=ids["Biology"])
    assert deep == sorted([ids["Biology"], ids["Botany"], *chain]), (
        f"A chain six levels below Botany must be found too (one recursive query, not a fixed depth). Got {deep!r}"
    )


def test_subject_id_is_a_parameter(library):
    payload = "0 UNION SELECT id FROM catalogue_book"
    with recording() as recorder:
        try:
            result = sql.subject_descendant_ids(subject_id=payload)
        except (ValueError, TypeError, DatabaseError):
            result = []
    in_text = [text for text in recorder.sql_texts if "UNION SELECT id FROM catalogue_book" in text]
    assert result == [] and not in_text, (
        f"subject_descendant_ids(subject_id={payload!r}) returned {result!r}: the id was pasted into the SQL "
        "text and the UNION ran. Pass the id as a parameter (%s and a params list), even though it is "
        "usually a number.\n" + recorder.render()
    )
    assert book_table_intact(BOOK_COUNT), "The catalogue_book table lost rows or was dropped."
