"""The database's own rule, written around the service with plain ORM calls."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from loans.models import Loan

DUE = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)


def open_loan(member, book, **extra):
    return Loan.objects.create(member=member, book=book, due_at=DUE, **extra)


@pytest.mark.django_db
def test_the_database_refuses_a_second_open_loan(member, book):
    open_loan(member, book)
    with transaction.atomic(), pytest.raises(IntegrityError):
        with transaction.atomic():
            open_loan(member, book)
    assert list(Loan.objects.values_list("member", "book")) == [(member.pk, book.pk)]


@pytest.mark.django_db
@pytest.mark.parametrize("first_returned", [True, False])
def test_the_rule_ignores_returned_loans_and_other_members(member, other_member, book, first_returned):
    if first_returned:
        open_loan(member, book, returned_at=timezone.now())
        open_loan(member, book)
    else:
        open_loan(member, book)
        open_loan(other_member, book)
    assert Loan.objects.count() == 2
