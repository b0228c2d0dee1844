"""`make run`: the whole site on embedded defaults (SQLite, filesystem broker, local cache)."""

from config.env import env_bool
from config.settings.base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", True)
