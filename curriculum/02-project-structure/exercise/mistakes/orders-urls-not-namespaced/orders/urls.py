from django.urls import path

from orders import views

urlpatterns = [
    path("checkout/", views.checkout, name="checkout"),
    path("<int:pk>/", views.order_detail, name="order_detail"),
]
