"""Thin JSON views: parse the request, call a service or selector, shape the response."""

import json

from django.http import JsonResponse
from django.views.decorators.http import require_GET, require_POST

from loans import selectors, services
from loans.models import Book, Loan, Member


def _loan_json(loan: Loan) -> dict:
    return {
        "id": loan.pk,
        "book": loan.book.title,
        "member": loan.member.name,
        "due_at": loan.due_at.isoformat(),
        "fine": str(loan.fine()),
    }


def _not_found(what: str) -> JsonResponse:
    return JsonResponse({"error": "not_found", "detail": f"No such {what}."}, status=404)


@require_POST
def borrow(request):
    """POST {"member_id": 1, "book_id": 2} -> 201 with the loan, 409 {"error": <rule>} if refused."""
    try:
        payload = json.loads(request.body)
        member_id, book_id = int(payload["member_id"]), int(payload["book_id"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "invalid_request"}, status=400)
    member = Member.objects.filter(pk=member_id).first()
    if member is None:
        return _not_found("member")
    book = Book.objects.filter(pk=book_id).first()
    if book is None:
        return _not_found("book")
    try:
        loan = services.loan_create(member=member, book=book)
    except services.LoanError as exc:
        return JsonResponse({"error": exc.code}, status=400)
    return JsonResponse(_loan_json(loan), status=201)


@require_POST
def give_back(request, pk):
    """POST /loans/<pk>/return/ -> 200 with the loan and its final fine."""
    loan = Loan.objects.select_related("book", "member").filter(pk=pk).first()
    if loan is None:
        return _not_found("loan")
    try:
        loan = services.loan_return(loan=loan)
    except services.LoanError as exc:
        return JsonResponse({"error": exc.code}, status=409)
    return JsonResponse(_loan_json(loan))


@require_GET
def overdue_list(request):
    """GET /loans/overdue/ -> {"loans": [...]}, most overdue first."""
    return JsonResponse({"loans": [_loan_json(loan) for loan in selectors.loan_list_overdue()]})
