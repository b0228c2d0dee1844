from django.contrib.auth import views as auth_views
from django.urls import include, path

from tickets import views

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/signup/", views.signup, name="signup"),
    path("tickets/", include("tickets.urls")),
]
