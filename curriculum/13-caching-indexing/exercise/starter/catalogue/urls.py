"""No pages in this exercise: the work happens in selectors and services."""

urlpatterns = []
