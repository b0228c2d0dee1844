from django.urls import path

from exercises import views

app_name = "exercises"

urlpatterns = [
    path("exercises/<slug:slug>/", views.exercise_detail, name="detail"),
    path("exercises/<slug:slug>/starter.zip", views.starter_download, name="starter"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission"),
    path("submissions/<int:pk>/status/", views.submission_status, name="submission_status"),
]
