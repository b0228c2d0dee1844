"""Hidden checks for ``catalogue.sql.book_search``: exact results, and input that stays data."""

import re

import pytest

from catalogue import sql
from catalogue.models import Book
from tests_hidden.library_data import BOOK_COUNT, build_library, titles
from tests_hidden.sql_trace import book_table_intact, recording

INJECTION_PAYLOADS = [
    "x' OR '1'='1",
    "x' OR 1=1 OR '",
    "'; DROP TABLE catalogue_book; --",
    "plant' --",
    "') UNION SELECT id, title, author, year, title FROM catalogue_book --",
]


@pytest.fixture
def library(db):
    return build_library()


def test_search_returns_exact_rows(library):
    everything = sql.book_search(term="plant")
    assert titles(everything) == [
        "100% Plant-Based",
        "Plant Physiology",
        "The 100 Best Houseplants",
        "The Private Life of Plants",
    ], f"book_search(term='plant') must find every title containing 'plant' in any case, by title. Got {everything!r}"
    first = everything[1]
    expected_first = {
        "id": Book.objects.get(title="Plant Physiology").pk,
        "title": "Plant Physiology",
        "author": "Lincoln Taiz",
        "year": 2010,
        "subject": "Botany",
    }
    assert first == expected_first, f"Each row is a dict with id, title, author, year and subject name. Got {first!r}"

    in_science = sql.book_search(term="", subject_id=library["Science"].pk, sort="year")
    assert titles(in_science) == [
        "The Selfish Gene",
        "The Private Life of Plants",
        "Plant Physiology",
        "Seven Brief Lessons on Physics",
        "The 100 Best Houseplants",
    ], (
        "book_search(term='', subject_id=Science, sort='year') must list the books of Science and of every "
        f"subject below it (Biology, Botany two levels down, Physics), oldest first. Got {titles(in_science)!r}"
    )
    assert sql.book_search(term="plant", subject_id=library["Arts"].pk) == [], "No plant books under Arts."


def test_search_treats_quotes_and_sql_as_data(library):
    found = titles(sql.book_search(term="winnie's"))
    assert found == ["Winnie's Herb Garden"], (
        f"A title with an apostrophe must be searchable: book_search(term=\"winnie's\") gave {found!r}. If this "
        "raised a syntax error, the term was pasted into the SQL text instead of passed as a parameter."
    )
    for payload in INJECTION_PAYLOADS:
        try:
            rows = sql.book_search(term=payload)
        except Exception as exc:  # noqa: BLE001 (any error means the payload reached the SQL text)
            pytest.fail(
                f"book_search(term={payload!r}) raised {type(exc).__name__}: {exc}. The payload became part of "
                "the SQL. Pass the value as a parameter: cursor.execute(sql, [value]) with %s in the SQL.",
                pytrace=False,
            )
        assert rows == [], (
            f"book_search(term={payload!r}) must find nothing (no title contains that text), but returned "
            f"{titles(rows)!r}: the payload changed the query."
        )
    assert book_table_intact(BOOK_COUNT), "The catalogue_book table lost rows or was dropped."


def test_search_sends_values_as_parameters(library):
    marker = "zebra' OR 'a'='a"
    science = library["Science"].pk
    subtree = [library[name].pk for name in ("Science", "Biology", "Botany", "Physics")]
    with recording() as recorder:
        sql.book_search(term=marker, subject_id=science)
    in_text = [text for text in recorder.sql_texts if "zebra" in text.lower()]
    in_params = [value for value in recorder.params if isinstance(value, str) and "zebra" in value.lower()]
    assert not in_text and in_params, (
        "The search term must travel as a parameter, beside the SQL text, never inside it. Write %s in the "
        "SQL (unquoted) and pass the value in the params list; put the LIKE wildcards in the value.\n"
        + recorder.render()
    )
    literal_ids = sorted(
        {pk for pk in subtree for text in recorder.sql_texts if re.search(rf"(?<![\w.]){pk}(?![\w.])", text)}
    )
    assert not literal_ids, (
        f"The subject ids {literal_ids} appear as literals in the SQL text. Every id, the start subject's and "
        "the ones found below it, must travel as a parameter (or never leave the database: filter with "
        "IN (SELECT id FROM tree) in the same query) rather than be formatted into IN (...).\n" + recorder.render()
    )
    assert science in recorder.params or str(science) in recorder.params, (
        "The subject id must be a parameter too, even though it is a number.\n" + recorder.render()
    )


def sql_server_like(pattern, escape):
    """A regex that matches what SQL Server's LIKE ``pattern`` ESCAPE ``escape`` matches.

    ``%`` any run, ``_`` one character, ``[...]`` / ``[^...]`` a character class, the escape
    character makes the next one literal. An unclosed ``[`` matches nothing on SQL Server.
    """
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if escape and char == escape and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if char == "%":
            out.append(".*")
        elif char == "_":
            out.append(".")
        elif char == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                return None
            body = pattern[i + 1 : end]
            negate = body.startswith("^")
            body = body[1:] if negate else body
            out.append("[" + ("^" if negate else "") + body.replace("\\", "\\\\") + "]")
            i = end + 1
            continue
        else:
            out.append(re.escape(char))
        i += 1
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


def like_on_sql_server(term):
    """The pattern and escape character book_search sends for ``term``, read back as SQL Server would."""
    with recording() as recorder:
        sql.book_search(term=term)
    texts = " ".join(recorder.sql_texts)
    escape = re.search(r"ESCAPE\s*'(.)'", texts)
    patterns = [value for value in recorder.params if isinstance(value, str) and "untitled" in value.lower()]
    if not patterns:
        return None, recorder
    return sql_server_like(patterns[0], escape.group(1) if escape else None), recorder


def test_like_wildcards_in_the_term_are_literal(library):
    cases = {
        "100%": ["100% Plant-Based"],
        "_": [],
        "plant%based": [],
        "e_b": [],
        "k\\s": ["Back\\Slash Blues"],
        "\\": ["Back\\Slash Blues"],
        "[untitled]": ["[Untitled] Songs"],
    }
    got = {term: titles(sql.book_search(term=term)) for term in cases}
    assert got == cases, (
        "A user's %, _ and \\ must match themselves, not act as LIKE wildcards or escapes: '100%' finds only "
        "the title that contains '100%', '_' finds nothing (no title holds an underscore), and a backslash "
        "finds the title with a backslash. Escape the escape character first, then the wildcards, and declare "
        "it with LIKE %s ESCAPE '\\\\'.\n"
        f"Expected {cases!r}\nGot      {got!r}"
    )
    # SQLite treats [ as an ordinary character; SQL Server reads [...] as a character class. Read the
    # pattern that was sent the way SQL Server would.
    matcher, recorder = like_on_sql_server("[untitled]")
    literal = matcher is not None and matcher.fullmatch("[untitled] songs") and not matcher.fullmatch("untitled songs")
    assert literal, (
        "On SQL Server, [ opens a character class in LIKE: the term '[untitled]' would match any title holding "
        "one of the letters u, n, t, i, l, e, d. Escape [ as well (with your ESCAPE character) so that it "
        "matches itself.\n" + recorder.render()
    )


def test_sort_key_comes_from_an_allow_list(library):
    by_author = titles(sql.book_search(term="the", sort="author"))
    assert by_author == ["The Private Life of Plants", "The 100 Best Houseplants", "The Selfish Gene"], (
        "sort='author' must order by the author's name (David Attenborough, Kay Verde, Richard Dawkins). "
        f"Got {by_author!r}"
    )
    for bad in ["title; DROP TABLE catalogue_book", "b.title DESC", "(SELECT 1)", "year--", ""]:
        with recording() as recorder:
            try:
                sql.book_search(term="plant", sort=bad)
            except ValueError:
                pass
            else:
                pytest.fail(
                    f"book_search(sort={bad!r}) must raise ValueError: a column name cannot be a parameter, so "
                    "the sort key must be looked up in an allow-list of known columns, and anything else refused.\n"
                    + recorder.render(),
                    pytrace=False,
                )
        assert recorder.calls == [], (
            f"book_search(sort={bad!r}) sent SQL before refusing the sort key.\n" + recorder.render()
        )
    assert book_table_intact(BOOK_COUNT), "The catalogue_book table lost rows or was dropped."
