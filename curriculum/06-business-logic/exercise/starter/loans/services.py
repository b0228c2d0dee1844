"""Write-side use cases of the library: lending and returning books.

TODO(services): the rules for lending and returning live in loans/views.py today. Move them
here, so that the API, the admin and the nightly commands all share them:

- loan_create(*, member, book, at=None) -> Loan
  Refuse with MemberSuspended, LoanLimitReached (the member already has max_loans open
  loans) or BookUnavailable (the book is out). The loan starts at `at` (default now) and is
  due LOAN_PERIOD later. The unique constraint "loan_one_open_per_book" is the final word
  on a book being out: a loan of the same book committed by another desk between your check
  and your INSERT must also end in BookUnavailable, not a 500.
- loan_return(*, loan, at=None) -> Loan
  Record the return time; LoanAlreadyReturned if it was already returned.

TODO(keyword-only): both take keyword-only arguments.
"""

from loans.models import Loan


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


def loan_create(*args, **kwargs) -> Loan:
    raise NotImplementedError("TODO: move the lending rules here from loans/views.py")


def loan_return(*args, **kwargs) -> Loan:
    raise NotImplementedError("TODO: move the return rules here from loans/views.py")
