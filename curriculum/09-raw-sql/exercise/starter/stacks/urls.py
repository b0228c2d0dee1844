from django.urls import path

from catalogue import views

urlpatterns = [
    path("books/search/", views.book_search, name="book-search"),
]
