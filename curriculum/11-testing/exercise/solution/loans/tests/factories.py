import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from factory.django import DjangoModelFactory

from loans.models import Book, Loan


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"member{n}")


class BookFactory(DjangoModelFactory):
    class Meta:
        model = Book

    title = factory.Sequence(lambda n: f"Book {n}")
    copies_available = 2


class LoanFactory(DjangoModelFactory):
    """A loan row written directly, without the service (for constraint tests and setup)."""

    class Meta:
        model = Loan

    book = factory.SubFactory(BookFactory)
    member = factory.SubFactory(MemberFactory)
    due_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=21))
