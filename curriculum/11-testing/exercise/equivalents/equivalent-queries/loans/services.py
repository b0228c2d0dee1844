"""The lending rules. Views call these; tests should too."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from loans.models import Book, Loan

MAX_OPEN_LOANS = 3
LOAN_PERIOD = datetime.timedelta(days=21)


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
    """Lend one copy of `book` to `member` for LOAN_PERIOD.

    Raises LoanLimitReached when the member already has MAX_OPEN_LOANS open loans,
    NoCopyAvailable when no copy is left, AlreadyBorrowed when the member already has this
    book (the database constraint decides). Nothing changes when it raises.
    """
    book = Book.objects.select_for_update().get(pk=book.pk)
    open_loans = Loan.objects.filter(member=member, returned_at__isnull=True)
    if open_loans[MAX_OPEN_LOANS - 1 :].exists():
        raise LoanLimitReached(f"a member may have at most {MAX_OPEN_LOANS} open loans")
    if book.copies_available < 1:
        raise NoCopyAvailable(f"no copy of {book} is available")
    Book.objects.filter(pk=book.pk).update(copies_available=F("copies_available") - 1)
    book.refresh_from_db(fields=["copies_available"])  # the loan returned carries the new count
    try:
        with transaction.atomic():
            loan = Loan.objects.create(book=book, member=member, due_at=timezone.now() + LOAN_PERIOD)
    except IntegrityError as exc:
        raise AlreadyBorrowed(f"{member} already has {book}") from exc
    return loan


@transaction.atomic
def loan_return(*, loan: Loan) -> Loan:
    """Close `loan` and put the copy back. Raises AlreadyReturned for a closed loan."""
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.returned_at is not None:
        raise AlreadyReturned("this loan was already returned")
    loan.returned_at = timezone.now()
    loan.save(update_fields=["returned_at"])
    Book.objects.filter(pk=loan.book_id).update(copies_available=F("copies_available") + 1)
    return loan
