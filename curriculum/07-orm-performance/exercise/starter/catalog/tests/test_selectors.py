"""Visible tests for the catalogue selectors and views. Run them with ``pytest``.

When a query-count test fails, pytest-django prints every SQL statement that ran (``-v`` is
on in pytest.ini): look for the statement that repeats once per book.
"""

from decimal import Decimal

import pytest

from catalog import selectors
from catalog.models import Author, Book, Review, Tag


@pytest.fixture
def shelf(db):
    """Two authors, three books, a few tags and reviews."""
    ursula = Author.objects.create(name="Ursula K. Le Guin", bio="A long biography. " * 500)
    frank = Author.objects.create(name="Frank Herbert", bio="Another long biography. " * 500)
    classic = Tag.objects.create(name="classic")
    scifi = Tag.objects.create(name="science-fiction")

    dune = Book.objects.create(title="Dune", author=frank, price=Decimal("9.99"), body="Full text. " * 1000)
    dune.tags.set([scifi, classic])
    Review.objects.bulk_create([Review(book=dune, rating=5), Review(book=dune, rating=4)])

    earthsea = Book.objects.create(title="A Wizard of Earthsea", author=ursula, price=Decimal("7.50"))
    earthsea.tags.set([classic])
    Review.objects.create(book=earthsea, rating=5, comment="Lovely.")

    Book.objects.create(title="The Lathe of Heaven", author=ursula, price=Decimal("8.00"))


def test_book_list_rows_content(shelf):
    assert selectors.book_list_rows() == [
        {
            "title": "A Wizard of Earthsea",
            "author": "Ursula K. Le Guin",
            "price": "7.50",
            "tags": ["classic"],
            "review_count": 1,
        },
        {
            "title": "Dune",
            "author": "Frank Herbert",
            "price": "9.99",
            "tags": ["classic", "science-fiction"],
            "review_count": 2,
        },
        {
            "title": "The Lathe of Heaven",
            "author": "Ursula K. Le Guin",
            "price": "8.00",
            "tags": [],
            "review_count": 0,
        },
    ]


def test_book_list_rows_runs_two_queries(shelf, django_assert_num_queries):
    # One query for the books (with their authors and review counts), one for the tags.
    with django_assert_num_queries(2):
        selectors.book_list_rows()


def test_author_stats(shelf):
    assert selectors.author_stats() == [
        {"name": "Frank Herbert", "book_count": 1, "review_count": 2},
        {"name": "Ursula K. Le Guin", "book_count": 2, "review_count": 1},
    ]


def test_book_list_view(shelf, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get("/books/")
    assert response.status_code == 200
    assert [row["title"] for row in response.json()["books"]] == [
        "A Wizard of Earthsea",
        "Dune",
        "The Lathe of Heaven",
    ]
