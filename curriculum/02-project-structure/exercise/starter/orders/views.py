from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from billing.models import Invoice, InvoiceLine
from billing.utils import invoice_number, line_unit_price
from catalog.models import Book
from orders.models import Order, OrderLine


# TODO(inside-an-app): this view does billing's job and the order's job itself, without
#   validation or a transaction. Move the work into orders/services.py
#   (order_place(*, customer, quantities)) which asks billing/services.py
#   (invoice_create(*, customer, items)) for the invoice. See README.md.
@require_POST
@login_required
def checkout(request):
    invoice = Invoice.objects.create(customer=request.user, number="pending")
    total = 0
    items = []
    for key, value in request.POST.items():
        if key.startswith("qty-") and value:
            book = Book.objects.get(pk=int(key[4:]))
            quantity = int(value)
            price = line_unit_price(book)
            InvoiceLine.objects.create(invoice=invoice, book=book, quantity=quantity, unit_price=price)
            total += price * quantity
            items.append((book, quantity))
    invoice.number = invoice_number(invoice)
    invoice.total = total
    invoice.save()
    order = Order.objects.create(customer=request.user, invoice=invoice)
    for book, quantity in items:
        OrderLine.objects.create(order=order, book=book, quantity=quantity)
    return redirect("order_detail", pk=order.pk)


@login_required
def order_detail(request, pk):
    order = get_object_or_404(Order.objects.select_related("invoice"), pk=pk, customer=request.user)
    return render(request, "orders/order_detail.html", {"order": order, "lines": order.lines.select_related("book")})
