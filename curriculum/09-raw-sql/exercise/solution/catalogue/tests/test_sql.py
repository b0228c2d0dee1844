"""Visible tests for the catalogue's raw SQL and its view. Run them with ``pytest``."""

import pytest

from catalogue import sql
from catalogue.models import Book, Subject


@pytest.fixture
def shelves(db):
    nature = Subject.objects.create(name="Nature")
    birds = Subject.objects.create(name="Birds", parent=nature)
    owls = Subject.objects.create(name="Owls", parent=birds)
    poetry = Subject.objects.create(name="Poetry")
    Book.objects.create(title="The Owl Book", author="Ivy Moss", year=2004, subject=owls)
    Book.objects.create(title="Birds of the Coast", author="Ole Berg", year=1999, subject=birds)
    Book.objects.create(title="Owl's Night Poems", author="June Park", year=2012, subject=poetry)
    return {"nature": nature, "birds": birds, "owls": owls, "poetry": poetry}


def test_search_view_finds_titles(shelves, client):
    response = client.get("/books/search/", {"q": "OWL"})
    assert response.status_code == 200
    assert [book["title"] for book in response.json()["books"]] == ["Owl's Night Poems", "The Owl Book"]


def test_search_treats_a_quote_as_data(shelves):
    assert [book["title"] for book in sql.book_search(term="owl's")] == ["Owl's Night Poems"]
    assert sql.book_search(term="x' OR '1'='1") == []
    assert Book.objects.count() == 3


def test_subject_tree(shelves):
    expected = sorted([shelves["nature"].pk, shelves["birds"].pk, shelves["owls"].pk])
    assert sql.subject_descendant_ids(subject_id=shelves["nature"].pk) == expected
    titles = [book["title"] for book in sql.book_search(term="", subject_id=shelves["nature"].pk, sort="year")]
    assert titles == ["Birds of the Coast", "The Owl Book"]


def test_view_refuses_unknown_sort_key(shelves, client):
    response = client.get("/books/search/", {"q": "owl", "sort": "title; DROP TABLE catalogue_book"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_sort"
