"""Hidden checks: raw SQL lives in catalogue/sql.py only; the view is thin and validates input."""

import re
from pathlib import Path

import pytest

import catalogue
from tests_hidden.library_data import build_library

RAW_SQL_MARKERS = re.compile(r"\bconnection\b|\.cursor\(|\.raw\(|\bRawSQL\b|\.extra\(|\bexecute\(")


def test_raw_sql_is_isolated_in_sql_module():
    package = Path(catalogue.__file__).parent
    offenders = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package)
        if relative.parts[0] in ("migrations", "tests") or relative == Path("sql.py"):
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if not line.lstrip().startswith("#") and RAW_SQL_MARKERS.search(line):
                offenders.append(f"catalogue/{relative}:{number}: {line.strip()}")
    assert not offenders, (
        "Raw SQL (connections, cursors, raw(), extra(), RawSQL) must live in catalogue/sql.py only, behind "
        "functions; views call those functions (or the ORM). Found:\n  " + "\n  ".join(offenders)
    )


@pytest.mark.django_db
def test_search_view_filters_sorts_and_refuses_bad_input(client):
    library = build_library()
    response = client.get("/books/search/", {"q": "PLANT", "subject": library["Science"].pk, "sort": "year"})
    assert response.status_code == 200, f"Got {response.status_code}: {response.content[:300]!r}"
    got = [row["title"] for row in response.json()["books"]]
    assert got == ["The Private Life of Plants", "Plant Physiology", "The 100 Best Houseplants"], (
        f"GET /books/search/?q=PLANT&subject=<Science>&sort=year must list the plant books under Science, "
        f"oldest first. Got {got!r}"
    )
    bad_sort = client.get("/books/search/", {"q": "plant", "sort": "title; DROP TABLE catalogue_book"})
    assert bad_sort.status_code == 400 and bad_sort.json().get("error") == "invalid_sort", (
        "An unknown sort key must be answered with 400 and a JSON body whose error is 'invalid_sort'. "
        f"Got {bad_sort.status_code}: {bad_sort.content[:300]!r}"
    )
    bad_subject = client.get("/books/search/", {"q": "plant", "subject": "1 OR 1=1"})
    assert bad_subject.status_code == 400 and bad_subject.json().get("error") == "invalid_subject", (
        "A subject that is not a whole number must be answered with 400 and error 'invalid_subject'. "
        f"Got {bad_subject.status_code}: {bad_subject.content[:300]!r}"
    )
