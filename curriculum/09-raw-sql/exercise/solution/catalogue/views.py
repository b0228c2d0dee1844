"""Thin JSON views: parse the query string, call the catalogue's SQL module, serialise."""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from catalogue import sql


@require_GET
def book_search(request):
    """GET /books/search/?q=<text>&subject=<id>&sort=title|author|year -> {"books": [...]}."""
    term = request.GET.get("q", "")
    sort = request.GET.get("sort", "title")
    if sort not in sql.SORT_COLUMNS:
        return JsonResponse({"error": "invalid_sort", "allowed": sorted(sql.SORT_COLUMNS)}, status=400)
    subject = request.GET.get("subject")
    subject_id = None
    if subject:
        if not subject.isdigit():
            return JsonResponse({"error": "invalid_subject"}, status=400)
        subject_id = int(subject)
    return JsonResponse({"books": sql.book_search(term=term, subject_id=subject_id, sort=sort)})
