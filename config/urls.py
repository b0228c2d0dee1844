from django.contrib import admin
from django.urls import include, path

from config.health import health

admin.site.site_header = "Django Backend Academy"
admin.site.site_title = "Academy admin"

urlpatterns = [
    path("healthz", health, name="health"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("instructor/", include("instructor.urls")),
    path("api/v1/", include("config.api_urls")),
    path("", include("exercises.urls")),
    path("", include("course.urls")),
]
