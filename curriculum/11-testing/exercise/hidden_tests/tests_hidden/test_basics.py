"""Basics of the library-loans testing exercise. The real grade is the mutation stage: your
tests run against the reference app and against mutants of it, each with one realistic bug."""

from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]


def learner_test_sources() -> dict[str, str]:
    sources = {}
    for path in sorted(PROJECT.rglob("*.py")):
        rel = path.relative_to(PROJECT)
        if rel.parts[0] == "tests_hidden" or "__pycache__" in rel.parts:
            continue
        if "tests" in rel.parts[:-1] or rel.name.startswith("test_") or rel.name == "tests.py":
            sources[str(rel)] = path.read_text(encoding="utf-8", errors="replace")
    return sources


@pytest.mark.django_db
def test_the_app_still_enforces_its_rules():
    from django.contrib.auth import get_user_model
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    from loans.models import Book, Loan
    from loans.services import MAX_OPEN_LOANS, LoanLimitReached, loan_create

    assert MAX_OPEN_LOANS == 3, "keep the app as given: this exercise is about its tests"
    member = get_user_model().objects.create(username="hidden-member")
    books = [Book.objects.create(title=f"Hidden {i}", copies_available=2) for i in range(MAX_OPEN_LOANS + 1)]
    for book in books[:MAX_OPEN_LOANS]:
        loan_create(member=member, book=book)
    with pytest.raises(LoanLimitReached):
        loan_create(member=member, book=books[-1])
    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.create(member=member, book=books[0], due_at=timezone.now())


def test_your_suite_tests_the_constraint_directly():
    sources = learner_test_sources()
    assert sources, "no test modules found under a tests/ directory or named test_*.py"
    direct = [
        rel for rel, text in sources.items() if "IntegrityError" in text and "atomic" in text and "def test" in text
    ]
    assert direct, (
        "no test expects an IntegrityError inside transaction.atomic(): write rows around the service "
        "(objects.create or a factory) and prove the database refuses them"
    )
