"""Thin JSON views: they only call a selector and serialise what it returns."""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from catalog import selectors


@require_GET
def book_list(request):
    return JsonResponse({"books": selectors.book_list_rows()})


@require_GET
def author_stats(request):
    return JsonResponse({"authors": selectors.author_stats()})
