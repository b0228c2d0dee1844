from django.urls import path

from inventory import views

urlpatterns = [
    path("reservations/", views.reservation_create, name="reservation-create"),
]
