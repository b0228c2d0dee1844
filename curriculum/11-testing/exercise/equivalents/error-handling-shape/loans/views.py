"""A small JSON API for members: list my loans, borrow a book, return a loan."""

from functools import wraps

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

from loans.models import Book, Loan
from loans.services import LoanError, loan_create, loan_return


def _loan_json(loan: Loan) -> dict:
    return {
        "id": loan.pk,
        "book": loan.book_id,
        "title": loan.book.title,
        "due_at": loan.due_at.isoformat(),
        "returned_at": loan.returned_at.isoformat() if loan.returned_at else None,
    }


def _member_required(view):
    """401 with a JSON body for anonymous requests (not a redirect to a login page)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return JsonResponse({"error": "login_required"}, status=401)
        return view(request, *args, **kwargs)

    return wrapper


def _refused(exc: LoanError) -> JsonResponse:
    return JsonResponse({"error": exc.code, "detail": str(exc)}, status=409)


@require_GET
@_member_required
def my_loans(request):
    """GET /loans/: the signed-in member's open loans."""
    loans = Loan.objects.filter(member=request.user, returned_at__isnull=True).select_related("book")
    return JsonResponse({"loans": [_loan_json(loan) for loan in loans]})


@require_POST
@_member_required
def borrow(request, book_id: int):
    """POST /books/<id>/borrow/: 201 with the loan, 409 when a rule refuses it."""
    book = Book.objects.filter(pk=book_id).first()
    if book is None:
        raise Http404("no such book")
    try:
        return JsonResponse(_loan_json(loan_create(member=request.user, book=book)), status=201)
    except LoanError as exc:
        return _refused(exc)


@require_POST
@_member_required
def give_back(request, loan_id: int):
    """POST /loans/<id>/return/: only the member who holds the loan; others get 404."""
    loan = get_object_or_404(Loan.objects.filter(member=request.user), pk=loan_id)
    try:
        loan = loan_return(loan=loan)
    except LoanError as exc:
        return _refused(exc)
    return JsonResponse(_loan_json(loan))
