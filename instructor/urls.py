from django.urls import path

from instructor import views

app_name = "instructor"

urlpatterns = [
    path("", views.matrix, name="matrix"),
    path("learners/<int:user_id>/<slug:slug>/", views.learner_attempts, name="attempts"),
    path("exercises/<slug:slug>/stats/", views.stats, name="stats"),
    path("exercises/<slug:slug>/regrade/", views.regrade_new, name="regrade_new"),
    path("exercises/<slug:slug>/submissions.csv", views.submissions_csv, name="submissions_csv"),
    path("submissions/<int:pk>/", views.review, name="review"),
    path("regrades/<int:pk>/", views.regrade_detail, name="regrade"),
    path("regrades/<int:pk>/progress/", views.regrade_progress, name="regrade_progress"),
    path("gradebook.csv", views.gradebook_csv, name="gradebook"),
]
