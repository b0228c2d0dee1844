from django.urls import path

from desk import views

app_name = "desk"

urlpatterns = [
    path("tickets/", views.ticket_list, name="ticket_list"),
    path("tickets/<int:pk>/", views.TicketDetailView.as_view(), name="ticket_detail"),
    path("tickets/<int:pk>/comments/", views.comment_add, name="comment_add"),
    path("tickets/<int:pk>/close/", views.TicketCloseView.as_view(), name="ticket_close"),
]
