"""Settings shared by every environment. Each integration has a default that works offline."""

import socket
from pathlib import Path

from config.env import env, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env("ACADEMY_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env("DJANGO_SECRET_KEY", "insecure-local-only-key-do-not-use-in-production")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "accounts",
    "course",
    "exercises",
    "grader",
    "instructor",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


# Database: SQLite by default; DATABASE_ENGINE=mssql switches to SQL Server via mssql-django.
def database_from_env() -> dict:
    engine = env("DATABASE_ENGINE", "sqlite")
    if engine == "sqlite":
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("DATABASE_NAME", str(VAR_DIR / "db.sqlite3")),
            # A grading burst writes from several processes; wait for the lock instead of failing.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    if engine == "mssql":
        options: dict = {
            "driver": env("DATABASE_ODBC_DRIVER", "ODBC Driver 18 for SQL Server"),
            "extra_params": env("DATABASE_EXTRA_PARAMS", "TrustServerCertificate=yes"),
        }
        python_driver = env("DATABASE_PYTHON_DRIVER", "mssql_python")
        if python_driver != "pyodbc":
            options["python_driver"] = python_driver
        return {
            "ENGINE": "mssql",
            "NAME": env("DATABASE_NAME", "academy"),
            "USER": env("DATABASE_USER"),
            "PASSWORD": env("DATABASE_PASSWORD"),
            "HOST": env("DATABASE_HOST"),
            "PORT": env("DATABASE_PORT", "1433"),
            "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ValueError(f"DATABASE_ENGINE must be 'sqlite' or 'mssql', not {engine!r}.")


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "course:home"
LOGOUT_REDIRECT_URL = "course:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("ACADEMY_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "academy@localhost")

# Cache and Celery broker: Redis when REDIS_URL is set, otherwise in-process / on-disk.
REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 3600}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "filesystem://"
    _queue_dir = str(VAR_DIR / "celery-queue")
    # kombu's filesystem transport does not create its folders; web and worker both need them.
    for _folder in ("celery-queue", "celery-control"):
        (VAR_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": _queue_dir,
        "data_folder_out": _queue_dir,
        "control_folder": str(VAR_DIR / "celery-control"),
        "store_processed": False,
    }

CURRICULUM_DIR = Path(env("ACADEMY_CURRICULUM_DIR", str(BASE_DIR / "curriculum")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Celery: grading runs on its own bounded queue; long tasks, so no prefetching ahead.
CELERY_TASK_ROUTES = {
    "grader.tasks.grade_submission": {"queue": "grading"},
    "instructor.tasks.regrade_item": {"queue": "grading"},
}
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "sweep-stuck-submissions": {"task": "grader.tasks.sweep_stuck_submissions", "schedule": 60.0},
}

# Grader
GRADER_IMAGE = env("ACADEMY_GRADER_IMAGE", "academy-grader:latest")
GRADER_INSTANCE = env("ACADEMY_GRADER_INSTANCE", "") or socket.gethostname()
GRADER_STUCK_GRACE_SECONDS = env_int("ACADEMY_GRADER_STUCK_GRACE_SECONDS", 120)
GRADER_QUEUED_DEADLINE_SECONDS = env_int("ACADEMY_GRADER_QUEUED_DEADLINE_SECONDS", 1800)

# REST API (docs/api.md): token authentication only, JSON only, one error shape.
INSTALLED_APPS += ["rest_framework"]
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "config.api.ApiSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "submissions": env("ACADEMY_API_SUBMISSION_RATE", "10/minute"),
        "token_create": env("ACADEMY_API_LOGIN_RATE", "20/minute"),
    },
    "COERCE_DECIMAL_TO_STRING": False,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

# Grading against SQL Server (grader/mssql.py): each run gets its own database and login on
# this server. An empty host means disabled: exercises are graded on SQLite inside the sandbox.
GRADER_MSSQL_HOST = env("ACADEMY_GRADER_MSSQL_HOST", "")  # as the sandbox reaches it (container name)
GRADER_MSSQL_PORT = env_int("ACADEMY_GRADER_MSSQL_PORT", 1433)
GRADER_MSSQL_ADMIN_HOST = env("ACADEMY_GRADER_MSSQL_ADMIN_HOST", "")  # as the worker reaches it; default: HOST
GRADER_MSSQL_ADMIN_USER = env("ACADEMY_GRADER_MSSQL_ADMIN_USER", "")
GRADER_MSSQL_ADMIN_PASSWORD = env("ACADEMY_GRADER_MSSQL_ADMIN_PASSWORD", "")
GRADER_MSSQL_CONTAINER = env("ACADEMY_GRADER_MSSQL_CONTAINER", "")  # joined to each run's network; default: HOST
