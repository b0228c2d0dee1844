from django.shortcuts import render

from catalog.models import Book
from catalog.services import price_with_vat

__all__ = ["book_list", "price_with_vat"]


def book_list(request):
    books = [(book, price_with_vat(book)) for book in Book.objects.select_related("author")]
    return render(request, "catalog/book_list.html", {"books": books})
