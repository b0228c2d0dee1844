"""The test catalogue shared by the hidden checks (no conftest: plain functions)."""

from catalogue.models import Book, Subject

TITLES_BY_SUBJECT = {
    "Botany": [
        ("The Private Life of Plants", "David Attenborough", 1995),
        ("Plant Physiology", "Lincoln Taiz", 2010),
        ("The 100 Best Houseplants", "Kay Verde", 2018),
    ],
    "Biology": [("The Selfish Gene", "Richard Dawkins", 1976)],
    "Physics": [("Seven Brief Lessons on Physics", "Carlo Rovelli", 2014)],
    "Music": [
        ("This Is Your Brain on Music", "Daniel Levitin", 2006),
        ("Back\\Slash Blues", "Lou Reid", 1999),
        ("[Untitled] Songs", "Lou Reid", 1999),
    ],
    "Cooking": [
        ("100% Plant-Based", "Ana Ramos", 2019),
        ("Winnie's Herb Garden", "Winnie Cole", 2001),
    ],
}
BOOK_COUNT = sum(len(books) for books in TITLES_BY_SUBJECT.values())


# Distinctive ids, so that a check can tell an id pasted into the SQL text from any other number.
FIRST_SUBJECT_ID = 48_311


def build_library():
    """Science > (Biology > Botany, Physics); Arts > Music; Cooking. Returns subjects by name."""
    ids = iter(range(FIRST_SUBJECT_ID, FIRST_SUBJECT_ID + 100, 7))
    science = Subject.objects.create(pk=next(ids), name="Science")
    biology = Subject.objects.create(pk=next(ids), name="Biology", parent=science)
    subjects = {
        "Science": science,
        "Biology": biology,
        "Botany": Subject.objects.create(pk=next(ids), name="Botany", parent=biology),
        "Physics": Subject.objects.create(pk=next(ids), name="Physics", parent=science),
    }
    arts = Subject.objects.create(pk=next(ids), name="Arts")
    subjects.update(
        {
            "Arts": arts,
            "Music": Subject.objects.create(pk=next(ids), name="Music", parent=arts),
            "Cooking": Subject.objects.create(pk=next(ids), name="Cooking"),
        }
    )
    for subject_name, books in TITLES_BY_SUBJECT.items():
        for title, author, year in books:
            Book.objects.create(title=title, author=author, year=year, subject=subjects[subject_name])
    return subjects


def titles(rows):
    return [row["title"] for row in rows]
