"""WSGI entry point for the library project."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "library.settings")

application = get_wsgi_application()
