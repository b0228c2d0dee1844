"""Hidden checks for ``catalog.selectors.book_list_rows`` and the ``/books/`` view."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import selectors
from catalog.models import Author, Book, Review, Tag
from tests_hidden.sql_report import at_most, counts_in_sql, exactly, normalise, render

EXPECTED_ROWS = [
    {
        "title": "Compilers Explained",
        "author": "Grace Hopper",
        "price": "31.00",
        "tags": ["science"],
        "review_count": 3,
    },
    {
        "title": "Notes on the Engine",
        "author": "Ada Lovelace",
        "price": "12.50",
        "tags": ["classic", "history"],
        "review_count": 1,
    },
    {
        "title": "Poems of Numbers",
        "author": "Ada Lovelace",
        "price": "8.99",
        "tags": [],
        "review_count": 0,
    },
    {
        "title": "The Bug Hunt",
        "author": "Grace Hopper",
        "price": "19.00",
        "tags": ["classic", "history", "science"],
        "review_count": 2,
    },
]


@pytest.fixture
def catalogue(db):
    """Four books by two authors (a third author has none); big text in body and bio."""
    ada = Author.objects.create(name="Ada Lovelace", bio="Countess and analyst. " * 400)
    grace = Author.objects.create(name="Grace Hopper", bio="Rear admiral and compiler pioneer. " * 400)
    Author.objects.create(name="Alan Turing", bio="Mathematician. " * 400)
    science, history, classic = (Tag.objects.create(name=n) for n in ("science", "history", "classic"))

    def book(title, author, price, tags, ratings):
        created = Book.objects.create(title=title, author=author, price=Decimal(price), body="Chapter. " * 2000)
        created.tags.set(tags)
        Review.objects.bulk_create(Review(book=created, rating=r, comment="Review text. " * 50) for r in ratings)
        return created

    # Created out of title order on purpose.
    book("The Bug Hunt", grace, "19.00", [science, classic, history], [3, 2])
    book("Notes on the Engine", ada, "12.50", [history, classic], [5])
    book("Compilers Explained", grace, "31.00", [science], [5, 4, 4])
    book("Poems of Numbers", ada, "8.99", [], [])


def add_books(count, start=0):
    """``count`` more books, each with two tags and two reviews, spread over three authors."""
    authors = [Author.objects.create(name=f"Author {start + i:03d}", bio="Bio. " * 200) for i in range(3)]
    tags = [Tag.objects.get_or_create(name=f"tag-{i}")[0] for i in range(4)]
    for i in range(start, start + count):
        created = Book.objects.create(
            title=f"Book {i:03d}", author=authors[i % 3], price=Decimal("10.00"), body="Text. " * 500
        )
        created.tags.set([tags[i % 4], tags[(i + 1) % 4]])
        Review.objects.bulk_create([Review(book=created, rating=4), Review(book=created, rating=5)])


def capture(func):
    with CaptureQueriesContext(connection) as context:
        result = func()
    return result, [normalise(q["sql"]) for q in context.captured_queries], context.captured_queries


def test_book_list_returns_exact_rows(catalogue):
    rows = selectors.book_list_rows()
    assert rows == EXPECTED_ROWS, (
        "book_list_rows() must return one dict per book, ordered by title, with the author's name, "
        "the price as a string, the tag names sorted by name ([] when none) and the number of "
        "reviews (0 when none).\n"
        f"Got: {rows!r}"
    )


def test_book_list_joins_authors(catalogue):
    _, sqls, queries = capture(selectors.book_list_rows)
    separate = [sql for sql in sqls if re.search(r"\bFROM catalog_author\b", sql)]
    joined = [sql for sql in sqls if re.search(r"\bJOIN catalog_author\b", sql)]
    joins_authors = not separate and bool(joined)
    assert joins_authors, (
        "The authors must come in the same query as the books, through a JOIN "
        "(`INNER JOIN catalog_author` in the book query), not in queries of their own.\n"
        + render(queries)
    )


def test_book_list_prefetches_tags(catalogue):
    add_books(10)
    with CaptureQueriesContext(connection) as context:
        selectors.book_list_rows()
    tag_queries = len([q for q in context.captured_queries if "catalog_tag" in normalise(q["sql"])])
    assert tag_queries == 1, (
        f"The tags of 14 books were read in {tag_queries} queries; they must be read in exactly one "
        "(a many-to-many cannot be JOINed into the book rows: load it for all the books at once).\n"
        + render(context.captured_queries)
    )


def test_book_list_counts_reviews_in_sql(catalogue):
    add_books(10)
    _, sqls, queries = capture(selectors.book_list_rows)
    review_queries = [sql for sql in sqls if "catalog_review" in sql]
    loads_review_rows = [sql for sql in review_queries if re.search(r"catalog_review\.(rating|comment)\b", sql)]
    counted = [sql for sql in review_queries if counts_in_sql(sql)]
    counted_in_sql = len(review_queries) <= 1 and not loads_review_rows and bool(counted)
    assert counted_in_sql, (
        "The review counts must be computed by the database inside the book query (COUNT ... GROUP BY): "
        "no query per book, and no loading of every review row just to len() them.\n" + render(queries)
    )


def test_book_list_skips_big_text_columns(catalogue):
    _, sqls, queries = capture(selectors.book_list_rows)
    big = sorted({col for sql in sqls for col in re.findall(r"\b(?:catalog_book\.body|catalog_author\.bio)\b", sql)})
    assert not big, (
        f"The book list read {', '.join(big)}: the whole text of every book and every author's biography, "
        "which the page never shows. Ask only for the columns the rows need.\n" + render(queries)
    )


def test_book_list_query_count_is_constant(db, django_assert_max_num_queries):
    add_books(5)
    why5 = "book_list_rows() with 5 books must run at most 2 queries."
    with at_most(django_assert_max_num_queries, 2, why5) as small:
        selectors.book_list_rows()
    add_books(45, start=5)
    why50 = "book_list_rows() with 50 books must still run at most 2 queries: the count must not grow with the books."
    with at_most(django_assert_max_num_queries, 2, why50) as large:
        rows = selectors.book_list_rows()
    assert len(rows) == 50
    constant = len(small) == len(large)
    assert constant, (
        f"5 books took {len(small)} queries but 50 books took {len(large)}.\n" + render(large.captured_queries)
    )


def test_book_list_view_json_in_two_queries(catalogue, client, django_assert_num_queries):
    add_books(6)
    why = "GET /books/ must run exactly 2 queries: the books (with authors and review counts), then the tags."
    with exactly(django_assert_num_queries, 2, why):
        response = client.get("/books/")
    assert response.status_code == 200
    books = response.json()["books"]
    assert len(books) == 10
    named = [row for row in books if not row["title"].startswith("Book ")]
    assert named == EXPECTED_ROWS, f"GET /books/ returned: {named!r}"
