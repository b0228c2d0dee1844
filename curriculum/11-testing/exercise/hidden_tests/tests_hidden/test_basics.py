"""Basics of the library-loans testing exercise. The real grade is the mutation stage: your
tests run against the reference app, against mutants of it (each with one realistic bug) and
against equivalent rewrites of it (the same behaviour, written differently). Whether your suite
tests the database constraint directly is decided there too, by behaviour: the mutant
`constraint-only-in-service` drops the constraint but keeps the service's refusal, so only a
test that writes rows around the service catches it."""

import pytest


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
