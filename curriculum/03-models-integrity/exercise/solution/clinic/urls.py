"""The clinic exercise has no pages: it is about the models. The admin is not installed."""

urlpatterns = []
