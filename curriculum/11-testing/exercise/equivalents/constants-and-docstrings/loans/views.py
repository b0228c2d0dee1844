"""JSON endpoints for signed-in members. The rules live in loans.services."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

from loans.models import Book, Loan
from loans.services import LoanError, loan_create, loan_return


def _loan_json(loan: Loan) -> dict:
    data = {"id": loan.pk, "book": loan.book_id, "title": loan.book.title}
    data["due_at"] = loan.due_at.isoformat()
    data["returned_at"] = None if loan.returned_at is None else loan.returned_at.isoformat()
    return data


def _login_required_json():
    return JsonResponse({"error": "login_required"}, status=401)


@require_GET
def my_loans(request):
    """List the open loans of the member making the request."""
    if not request.user.is_authenticated:
        return _login_required_json()
    loans = Loan.objects.filter(member=request.user, returned_at__isnull=True).select_related("book")
    return JsonResponse({"loans": [_loan_json(loan) for loan in loans]})


@require_POST
def borrow(request, book_id: int):
    """Borrow a book: 201 Created, 404 if the book does not exist, 409 if a rule says no."""
    if not request.user.is_authenticated:
        return _login_required_json()
    book = get_object_or_404(Book, pk=book_id)
    try:
        loan = loan_create(member=request.user, book=book)
    except LoanError as exc:
        return JsonResponse({"error": exc.code, "detail": str(exc)}, status=409)
    return JsonResponse(_loan_json(loan), status=201)


@require_POST
def give_back(request, loan_id: int):
    """POST /loans/<id>/return/: only the member who holds the loan; others get 404."""
    if not request.user.is_authenticated:
        return _login_required_json()
    loan = get_object_or_404(Loan, pk=loan_id, member=request.user)
    try:
        loan = loan_return(loan=loan)
    except LoanError as exc:
        return JsonResponse({"error": exc.code, "detail": str(exc)}, status=409)
    return JsonResponse(_loan_json(loan))
