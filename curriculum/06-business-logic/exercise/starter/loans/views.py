"""JSON views of the library.

TODO(where-logic-goes): these views hold the library's rules. Move the rules into the model
(methods, a QuerySet), loans/services.py and loans/selectors.py, and keep here only HTTP:
parse the request, look rows up, call the service or selector, shape the response.
"""

import json

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from loans.models import FINE_PER_DAY, LOAN_PERIOD, MAX_FINE, Book, Loan, Member


def _fine(loan, now):
    end = loan.returned_at or now
    days_late = max((end - loan.due_at).days, 0)
    return min(days_late * FINE_PER_DAY, MAX_FINE)


def _loan_json(loan, now):
    return {
        "id": loan.pk,
        "book": loan.book.title,
        "member": loan.member.name,
        "due_at": loan.due_at.isoformat(),
        "fine": str(_fine(loan, now)),
    }


def _not_found(what):
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

    if member.is_suspended:
        return JsonResponse({"error": "member_suspended"}, status=409)
    if Loan.objects.filter(member=member, returned_at__isnull=True).count() >= member.max_loans:
        return JsonResponse({"error": "loan_limit_reached"}, status=409)
    if Loan.objects.filter(book=book, returned_at__isnull=True).exists():
        return JsonResponse({"error": "book_unavailable"}, status=409)
    now = timezone.now()
    loan = Loan.objects.create(member=member, book=book, borrowed_at=now, due_at=now + LOAN_PERIOD)
    return JsonResponse(_loan_json(loan, now), status=201)


@require_POST
def give_back(request, pk):
    """POST /loans/<pk>/return/ -> 200 with the loan and its final fine."""
    loan = Loan.objects.filter(pk=pk).first()
    if loan is None:
        return _not_found("loan")
    if loan.returned_at is not None:
        return JsonResponse({"error": "already_returned"}, status=409)
    now = timezone.now()
    loan.returned_at = now
    loan.save()
    return JsonResponse(_loan_json(loan, now))


@require_GET
def overdue_list(request):
    """GET /loans/overdue/ -> {"loans": [...]}, most overdue first."""
    now = timezone.now()
    loans = Loan.objects.filter(returned_at__isnull=True, due_at__lt=now).order_by("due_at", "pk")
    return JsonResponse({"loans": [_loan_json(loan, now) for loan in loans]})
