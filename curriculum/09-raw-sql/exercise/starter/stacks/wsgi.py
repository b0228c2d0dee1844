"""WSGI entry point for the stacks project."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stacks.settings")

application = get_wsgi_application()
