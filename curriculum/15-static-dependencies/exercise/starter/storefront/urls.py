from django.urls import path

from shop import views

urlpatterns = [
    path("", views.home, name="home"),
    path("books/<slug:slug>/", views.book_detail, name="book-detail"),
]
