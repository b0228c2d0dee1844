"""Lending rules for the library: who may borrow what, and for how long.

Every function here runs in one transaction, so a refusal leaves the database as it was.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from loans.models import Book, Loan

MAX_OPEN_LOANS = 3
LOAN_PERIOD = timedelta(weeks=3)  # three weeks


class LoanError(Exception):
    """A loan that the rules refuse; `code` is what the API returns."""

    code = "loan_error"


class LoanLimitReached(LoanError):
    code = "loan_limit_reached"


class NoCopyAvailable(LoanError):
    code = "no_copy_available"


class AlreadyBorrowed(LoanError):
    code = "already_borrowed"


class AlreadyReturned(LoanError):
    code = "already_returned"


@transaction.atomic
def loan_create(*, member, book: Book) -> Loan:
    """Create an open loan and take a copy off the shelf.

    Refusals, in the order they are checked: LoanLimitReached, NoCopyAvailable,
    AlreadyBorrowed (from the unique constraint's IntegrityError).
    """
    book = Book.objects.select_for_update().get(pk=book.pk)
    if Loan.objects.filter(member=member, returned_at__isnull=True).count() >= MAX_OPEN_LOANS:
        raise LoanLimitReached(f"a member may have at most {MAX_OPEN_LOANS} open loans")
    if book.copies_available < 1:
        raise NoCopyAvailable(f"no copy of {book} is available")
    book.copies_available -= 1
    book.save(update_fields=["copies_available"])
    try:
        with transaction.atomic():
            loan = Loan.objects.create(book=book, member=member, due_at=timezone.now() + LOAN_PERIOD)
    except IntegrityError as exc:
        raise AlreadyBorrowed(f"{member} already has {book}") from exc
    return loan


@transaction.atomic
def loan_return(*, loan: Loan) -> Loan:
    """Mark the loan returned and give its copy back to the shelf (AlreadyReturned if closed)."""
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.returned_at is not None:
        raise AlreadyReturned("this loan was already returned")
    loan.returned_at = timezone.now()
    loan.save(update_fields=["returned_at"])
    book = Book.objects.select_for_update().get(pk=loan.book_id)
    book.copies_available += 1
    book.save(update_fields=["copies_available"])
    return loan
