"""No pages in this exercise: the work happens in services and tasks."""

urlpatterns = []
