"""Real services only: dockerd, redis-server, a Celery worker process and the grading image.

`make test` installs and starts them. If one is missing these tests fail with the reason;
they never fall back to a fake.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import docker
import pytest
import redis
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from exercises.models import Submission
from exercises.services import submission_create

# The worker gets this in its environment; a sandboxed test must never see it.
CANARY = "ACADEMY_CANARY_SECRET"
INSTANCE = f"test-{os.getpid()}"


def _require_services() -> None:
    try:
        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"redis-server is not reachable at {settings.CELERY_BROKER_URL} ({exc}); `make test` starts it")
    try:
        docker.from_env(timeout=10).images.get(settings.GRADER_IMAGE)
    except docker.errors.ImageNotFound:
        pytest.fail(f"the grading image {settings.GRADER_IMAGE} is missing; run `make sandbox-image`")
    except docker.errors.DockerException as exc:
        pytest.fail(f"dockerd is not reachable ({exc}); `make test` starts it")


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    """A real `celery worker` process on Redis, sharing the test database file and media root."""
    _require_services()
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    log_path = Path(settings.VAR_DIR) / "test-worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_NAME": str(settings.DATABASES["default"]["NAME"]),
        "ACADEMY_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "ACADEMY_TEST_BROKER_URL": settings.CELERY_BROKER_URL,
        CANARY: "must-never-reach-a-sandbox",
        "ACADEMY_GRADER_INSTANCE": INSTANCE,
    }
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "grading,celery", "--concurrency", "2",
             "--hostname", f"test-{os.getpid()}@%h", "--without-gossip", "--without-mingle", "--loglevel", "INFO"],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while "ready." not in log_path.read_text():
        if worker.poll() is not None or time.monotonic() > deadline:
            worker.kill()
            pytest.fail(f"the Celery worker did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.2)
    yield worker
    worker.terminate()
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()


def submit(*, user, exercise, data: bytes, name: str = "project.zip") -> Submission:
    return submission_create(user=user, exercise=exercise, upload=SimpleUploadedFile(name, data))


def wait_graded(submissions: list[Submission], timeout: float = 240) -> list[Submission]:
    """Poll the database until every submission is graded or errored; fail with their states if not."""
    ids = [s.pk for s in submissions]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = {s.pk: s for s in Submission.objects.filter(pk__in=ids)}
        if all(rows[pk].is_terminal for pk in ids):
            return [rows[pk] for pk in ids]
        time.sleep(0.3)
    states = list(Submission.objects.filter(pk__in=ids).values_list("pk", "status", "stage"))
    pytest.fail(f"not graded within {timeout}s: {states}")


def grading_containers() -> list:
    """Sandbox containers this test session's worker started (another session may be grading too)."""
    labels = ["academy.grader", f"academy.instance={INSTANCE}"]
    return docker.from_env().containers.list(all=True, filters={"label": labels})
