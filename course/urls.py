from django.urls import path

from course import views

app_name = "course"

urlpatterns = [
    path("", views.home, name="home"),
    path("lessons/<slug:slug>/", views.lesson_detail, name="lesson"),
    path("lessons/<slug:slug>/complete/", views.lesson_mark_complete, name="lesson_complete"),
    path("lessons/<slug:slug>/checks/<slug:key>/", views.knowledge_check_answer, name="check_answer"),
]
