from django.urls import path

from loans import views

urlpatterns = [
    path("loans/", views.borrow, name="loan-create"),
    path("loans/<int:pk>/return/", views.give_back, name="loan-return"),
    path("loans/overdue/", views.overdue_list, name="loans-overdue"),
]
