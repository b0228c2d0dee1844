from django.urls import path

from loans import views

app_name = "loans"

urlpatterns = [
    path("loans/", views.my_loans, name="my-loans"),
    path("books/<int:book_id>/borrow/", views.borrow, name="borrow"),
    path("loans/<int:loan_id>/return/", views.give_back, name="return"),
]
