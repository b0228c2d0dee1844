"""Write-side use cases of the library: lending and returning books.

Views, the admin and management commands all call these functions; none of them repeats
the rules.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from loans.models import LOAN_PERIOD, Book, Loan, Member


class LoanError(Exception):
    """A loan rule was broken; ``code`` is what the API reports."""

    code = "loan_error"


class MemberSuspended(LoanError):
    code = "member_suspended"


class LoanLimitReached(LoanError):
    code = "loan_limit_reached"


class BookUnavailable(LoanError):
    code = "book_unavailable"


class LoanAlreadyReturned(LoanError):
    code = "already_returned"


@transaction.atomic
def loan_create(*, member: Member, book: Book, at: datetime | None = None) -> Loan:
    """Lend ``book`` to ``member`` for LOAN_PERIOD from ``at`` (default: now).

    Locks the member's row so that two simultaneous loans cannot both pass the limit check.
    The partial unique constraint on open loans is the final guarantee that a book is out
    only once: its IntegrityError becomes BookUnavailable.
    """
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.is_suspended:
        raise MemberSuspended(member.pk)
    if member.loans.open().count() >= member.max_loans:
        raise LoanLimitReached(member.pk)
    if book.loans.open().exists():
        raise BookUnavailable(book.pk)
    borrowed_at = at or timezone.now()
    loan = Loan(book=book, member=member, borrowed_at=borrowed_at, due_at=borrowed_at + LOAN_PERIOD)
    loan.full_clean(validate_constraints=False)  # the constraint is checked by the INSERT below
    try:
        with transaction.atomic():
            loan.save()
    except IntegrityError as exc:  # another loan of this book was committed meanwhile
        raise BookUnavailable(book.pk) from exc
    return loan


@transaction.atomic
def loan_return(*, loan: Loan, at: datetime | None = None) -> Loan:
    """Record that a loan's book came back at ``at`` (default: now); ``loan.fine()`` is then final."""
    if loan.returned_at is not None:
        raise LoanAlreadyReturned(loan.pk)
    loan.returned_at = at or timezone.now()
    loan.save(update_fields=["returned_at"])
    return loan
