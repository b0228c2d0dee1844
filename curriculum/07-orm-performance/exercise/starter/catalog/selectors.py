"""Read-only queries for the catalogue pages (selectors).

Views call these functions and serialise what they return; all the ORM work lives here.
"""

from catalog.models import Book


def book_list_rows():
    """Return the rows of the book list page, ordered by title.

    Each row is a dict::

        {"title": "Dune", "author": "Frank Herbert", "price": "9.99",
         "tags": ["classic", "science-fiction"],   # tag names, sorted by name
         "review_count": 3}

    It works, but it is slow: run the tests with ``pytest -v`` and read the SQL.

    TODO(n-plus-one): this function runs 1 query for the books and then 3 more queries for
    *every* book (its author, its tags, its review count). Make it run 2 queries, however
    many books there are:
      - load each book's author in the same query as the book (a JOIN);
      - load the tags of all the books in one extra query;
      - let the database count the reviews in the book query (no query per book, and no
        loading of the review rows just to count them).
    TODO(only-defer): ``Book.body`` (the whole text of the book) and ``Author.bio`` are big
    and this page never shows them. Load only the columns the rows need.
    """
    rows = []
    for book in Book.objects.order_by("title", "pk"):
        rows.append(
            {
                "title": book.title,
                "author": book.author.name,
                "price": str(book.price),
                "tags": [tag.name for tag in book.tags.all()],
                "review_count": book.reviews.count(),
            }
        )
    return rows


def author_stats():
    """Return one dict per author, ordered by name, for the authors' statistics page::

        [{"name": "Frank Herbert", "book_count": 2, "review_count": 7}, ...]

    ``book_count`` is how many books the author has, ``review_count`` how many reviews those books
    have in total. Authors without books are listed too, with zeros.

    TODO(values): write this as ONE query that returns plain dicts (``values()``) with the
    counts computed by the database (``annotate()``). Careful: counting across two
    relations in one query can multiply rows; check your numbers against the tests.
    """
    raise NotImplementedError("TODO: author_stats() is not written yet")
