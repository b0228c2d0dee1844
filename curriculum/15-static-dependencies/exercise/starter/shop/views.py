from django.shortcuts import get_object_or_404, render

from shop.models import Book


def home(request):
    return render(request, "shop/home.html", {"books": Book.objects.all()})


def book_detail(request, slug):
    book = get_object_or_404(Book, slug=slug)
    return render(request, "shop/book.html", {"book": book})
