"""Read-only queries for the catalogue pages (selectors).

Views call these functions and serialise what they return; all the ORM work lives here.
"""

from django.db.models import Count

from catalog.models import Author, Book


def book_list_rows():
    """Return the rows of the book list page, ordered by title.

    Each row is a dict::

        {"title": "Dune", "author": "Frank Herbert", "price": "9.99",
         "tags": ["classic", "science-fiction"],   # tag names, sorted by name
         "review_count": 3}

    Two queries, whatever the number of books:
      1. the books JOINed to their authors, with the reviews counted by the database
         (``select_related`` + ``annotate``), reading only the columns the rows need;
      2. the tags of all those books (``prefetch_related``; ``Tag.Meta.ordering`` sorts them).
    """
    books = (
        Book.objects.select_related("author")
        .prefetch_related("tags")
        .annotate(review_count=Count("reviews"))
        .only("title", "price", "author__name")
        .order_by("title", "pk")
    )
    return [
        {
            "title": book.title,
            "author": book.author.name,
            "price": str(book.price),
            "tags": [tag.name for tag in book.tags.all()],
            "review_count": book.review_count,
        }
        for book in books
    ]


def author_stats():
    """Return one dict per author, ordered by name, for the authors' statistics page::

        [{"name": "Frank Herbert", "book_count": 2, "review_count": 7}, ...]

    One query. Both counts follow the same JOIN (author -> books -> reviews), so a book
    with three reviews appears in three rows: ``distinct=True`` counts each book once.
    Ordering by ``pk`` too keeps two authors who share a name in separate groups.
    """
    return list(
        Author.objects.filter(books__isnull=False)
        .values("name")
        .annotate(
            book_count=Count("books", distinct=True),
            review_count=Count("books__reviews", distinct=True),
        )
        .order_by("name", "pk")
    )
