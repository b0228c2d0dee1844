"""Thin JSON views: parse the request, call a service, turn its outcome into a response."""

import json

from django.http import JsonResponse
from django.views.decorators.http import require_POST

from inventory import services


def _parse(body: bytes) -> tuple[str, dict[str, int]] | None:
    try:
        payload = json.loads(body)
        email, items = payload["email"], payload["items"]
    except (ValueError, KeyError, TypeError):
        return None
    valid_items = isinstance(items, dict) and items and all(
        isinstance(sku, str) and type(quantity) is int and quantity >= 1 for sku, quantity in items.items()
    )
    if not isinstance(email, str) or not email or not valid_items:
        return None
    return email, items


@require_POST
def reservation_create(request):
    """POST {"email": "...", "items": {"TENT-2P": 1, ...}} -> 201 {"id": ..., "total": "..."}."""
    parsed = _parse(request.body)
    if parsed is None:
        return JsonResponse({"error": "invalid_request"}, status=400)
    email, items = parsed
    try:
        reservation = services.reservation_create(customer_email=email, items=items)
    except services.UnknownProduct as exc:
        return JsonResponse({"error": "unknown_product", "sku": exc.sku}, status=400)
    except services.OutOfStock as exc:
        return JsonResponse({"error": "out_of_stock", "sku": exc.sku}, status=400)
    return JsonResponse({"id": reservation.pk, "total": str(reservation.total)}, status=201)
