"""Settings for a developer's machine and for the tests: debug on, a development key."""

import os

from config.settings.base import *  # noqa: F403 - settings modules only

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-deploy")
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
