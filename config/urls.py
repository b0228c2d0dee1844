from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Django Backend Academy"
admin.site.site_title = "Academy admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("", include("exercises.urls")),
    path("", include("course.urls")),
]
