"""The lending rules. Views call these; tests should too."""

import datetime

from django.db import IntegrityError, transaction
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
    locked = Book.objects.select_for_update().get(pk=book.pk)
    if Loan.objects.filter(member=member, returned_at__isnull=True).count() >= MAX_OPEN_LOANS:
        raise LoanLimitReached(f"a member may have at most {MAX_OPEN_LOANS} open loans")
    if locked.copies_available < 1:
        raise NoCopyAvailable(f"no copy of {locked} is available")
    locked.copies_available -= 1
    locked.save(update_fields=["copies_available"])
    try:
        with transaction.atomic():
            new_loan = Loan.objects.create(book=locked, member=member, due_at=timezone.now() + LOAN_PERIOD)
    except IntegrityError as error:
        raise AlreadyBorrowed(f"{member} already has {locked}") from error
    return new_loan


@transaction.atomic
def loan_return(*, loan: Loan) -> Loan:
    """Close `loan` and put the copy back. Raises AlreadyReturned for a closed loan."""
    current = Loan.objects.select_for_update().get(pk=loan.pk)
    if current.returned_at is not None:
        raise AlreadyReturned("this loan was already returned")
    current.returned_at = timezone.now()
    current.save(update_fields=["returned_at"])
    shelf = Book.objects.select_for_update().get(pk=current.book_id)
    shelf.copies_available += 1
    shelf.save(update_fields=["copies_available"])
    return current
