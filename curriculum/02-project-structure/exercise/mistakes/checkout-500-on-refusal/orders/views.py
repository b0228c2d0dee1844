from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from orders import services
from orders.models import Order


def _quantities(post):
    """{book id: quantity} from fields named qty-<book id>; empty fields are skipped."""
    return {
        int(key.removeprefix("qty-")): int(value) for key, value in post.items() if key.startswith("qty-") and value
    }


@require_POST
@login_required
def checkout(request):
    order = services.order_place(customer=request.user, quantities=_quantities(request.POST))
    return redirect("orders:order_detail", pk=order.pk)


@login_required
def order_detail(request, pk):
    order = get_object_or_404(Order.objects.select_related("invoice"), pk=pk, customer=request.user)
    return render(request, "orders/order_detail.html", {"order": order, "lines": order.lines.select_related("book")})
