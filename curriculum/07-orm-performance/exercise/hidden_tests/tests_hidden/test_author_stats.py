"""Hidden checks for ``catalog.selectors.author_stats``."""

import re

import pytest

from catalog import selectors
from catalog.models import Author, Book, Review
from tests_hidden.sql_report import counts_in_sql, exactly, normalise, render

EXPECTED = [
    {"name": "Ada Lovelace", "book_count": 2, "review_count": 1},
    {"name": "Alan Turing", "book_count": 0, "review_count": 0},
    {"name": "Grace Hopper", "book_count": 2, "review_count": 5},
]


@pytest.fixture
def authors(db):
    ada = Author.objects.create(name="Ada Lovelace", bio="Countess and analyst. " * 400)
    grace = Author.objects.create(name="Grace Hopper", bio="Compiler pioneer. " * 400)
    Author.objects.create(name="Alan Turing", bio="Mathematician. " * 400)
    for title, author, ratings in [
        ("The Bug Hunt", grace, [3, 2]),
        ("Notes on the Engine", ada, [5]),
        ("Compilers Explained", grace, [5, 4, 4]),
        ("Poems of Numbers", ada, []),
    ]:
        book = Book.objects.create(title=title, author=author, price="10.00", body="Chapter. " * 500)
        Review.objects.bulk_create(Review(book=book, rating=r) for r in ratings)


def test_author_stats_exact_counts(authors):
    # Authors with books only: listing the others is checked on its own below.
    stats = [row for row in selectors.author_stats() if row.get("book_count")]
    with_books = [row for row in EXPECTED if row["book_count"]]
    assert stats == with_books, (
        "author_stats() must list every author by name with their number of books and the number of "
        "reviews of those books. Grace Hopper has 2 books with 3 and 2 reviews: if her book_count "
        "came out as 5, the JOIN to reviews repeated each book once per review (count distinct books).\n"
        f"Got: {stats!r}"
    )


def test_author_stats_lists_namesakes_and_authors_without_books(db):
    for name, books in [
        ("Ada Lovelace", [[5], []]),
        ("Ada Lovelace", [[4, 4, 1]]),
        ("Alan Turing", []),
        ("Alan Turing", [[]]),
        ("Barbara Liskov", []),
    ]:
        author = Author.objects.create(name=name, bio="Bio. " * 100)
        for i, ratings in enumerate(books):
            book = Book.objects.create(title=f"{name} {i}", author=author, price="10.00", body="Text.")
            Review.objects.bulk_create(Review(book=book, rating=r) for r in ratings)
    stats = list(selectors.author_stats())
    names = [row.get("name") for row in stats]
    assert names == sorted(names), f"author_stats() is ordered by name, got {names}."
    got = sorted((row["name"], row["book_count"], row["review_count"]) for row in stats)
    expected = [
        ("Ada Lovelace", 1, 3),
        ("Ada Lovelace", 2, 1),
        ("Alan Turing", 0, 0),
        ("Alan Turing", 1, 0),
        ("Barbara Liskov", 0, 0),
    ]
    assert got == expected, (
        "One row per author, even when two authors share a name (group by the author, not by the name: "
        "values('name') with order_by('name', 'pk') keeps the pk in the GROUP BY), and authors without books "
        "with zeros (start from Author, so the JOIN to books is a LEFT OUTER JOIN).\n"
        f"Expected (name, book_count, review_count): {expected}\nGot: {got}"
    )


def test_author_stats_is_one_values_query(authors, django_assert_num_queries):
    why = "author_stats() must be a single query: counted with annotate(), read with values()."
    with exactly(django_assert_num_queries, 1, why) as context:
        stats = list(selectors.author_stats())
    plain_dicts = all(isinstance(row, dict) and set(row) == {"name", "book_count", "review_count"} for row in stats)
    assert plain_dicts, (
        "author_stats() must return plain dicts with exactly the keys name, book_count and review_count "
        f"(what values() gives you), not model instances. Got: {stats!r}"
    )
    sql = normalise(context.captured_queries[0]["sql"])
    counted_without_bio = counts_in_sql(sql) and not re.search(r"\bcatalog_author\.bio\b", sql)
    assert counted_without_bio, (
        "The counting must happen in SQL (COUNT ... GROUP BY) and the query must not touch catalog_author.bio. "
        "If bio shows up in the GROUP BY, annotate() ran before values(): Django then groups by every column "
        "of the author. Call values() first, so that the query groups by the name alone.\n"
        + render(context.captured_queries)
    )

