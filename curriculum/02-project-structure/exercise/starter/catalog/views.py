from decimal import ROUND_HALF_UP, Decimal

from django.shortcuts import render

from catalog.models import Book


# TODO(app-dependencies): billing imports this helper from here. It is a catalogue rule, not
#   a view: move it to catalog/services.py.
def price_with_vat(book):
    return (book.net_price * (1 + book.vat_rate)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def book_list(request):
    books = [(book, price_with_vat(book)) for book in Book.objects.select_related("author")]
    return render(request, "catalog/book_list.html", {"books": books})
