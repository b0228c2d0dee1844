from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("signup/", views.SignupView.as_view(), name="signup"),
    path("events/", views.EventListCreateView.as_view(), name="event-list"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event-detail"),
]
