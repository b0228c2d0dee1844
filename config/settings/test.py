"""pytest: fast hashing, an isolated media root, and tasks enqueued as in production."""

import tempfile
from pathlib import Path

from config.env import env
from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES, VAR_DIR

VAR_DIR.mkdir(exist_ok=True)

# A file, not :memory:, so that the Celery worker process of the integration tests shares it.
DATABASES["default"]["TEST"] = {"NAME": env("ACADEMY_TEST_DATABASE", str(VAR_DIR / "test-db.sqlite3"))}
# Integration tests run a real worker on a real Redis (make test starts redis-server). Unit
# tests never reach the broker: their transactions roll back, so on_commit never fires.
CELERY_BROKER_URL = env("ACADEMY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(env("ACADEMY_MEDIA_ROOT", "") or tempfile.mkdtemp(prefix="academy-test-media-"))
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="academy-test-static-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
