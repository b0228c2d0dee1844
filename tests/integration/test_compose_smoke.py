"""docker-compose.yml: it validates, .env.example is complete, and the embedded profile serves the site.

The smoke test builds academy-web:latest with scripts/build-web-image.sh (no pull: the base image
is academy-base:bookworm, made by debootstrap), brings up the embedded profile under its own
project name, waits for the web health check, gets HTTP 200 from / and /healthz over 127.0.0.1,
and always tears everything down with `down -v`.
"""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = shutil.which("docker-compose") or "/usr/bin/docker-compose"
PROJECT = "academy-smoke"
FILES = ["-f", str(ROOT / "docker-compose.yml"), "-f", str(ROOT / "docker-compose.embedded.yml")]
HEALTH_TIMEOUT = 180

pytestmark = pytest.mark.integration


def compose(*args: str, env_file: Path, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [COMPOSE, "--env-file", str(env_file), "-p", PROJECT, *args],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    if check and result.returncode != 0:
        pytest.fail(f"docker-compose {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def settings_variables() -> set[str]:
    names = set()
    for path in (ROOT / "config").rglob("*.py"):
        names |= set(re.findall(r"""\benv(?:_bool|_int|_list)?\(\s*["']([A-Z0-9_]+)["']""", path.read_text()))
    return names


def env_example_keys() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", text, re.M))


def test_env_example_lists_every_variable_the_settings_read():
    missing = settings_variables() - env_example_keys()
    assert missing == set()


@pytest.mark.parametrize("files", [["docker-compose.yml"], ["docker-compose.yml", "docker-compose.embedded.yml"]])
def test_compose_config_validates(files):
    if not Path(COMPOSE).exists():
        pytest.fail("docker-compose is not installed (apt-get install docker-compose)")
    args = [arg for name in files for arg in ("-f", str(ROOT / name))]
    result = subprocess.run(
        [COMPOSE, "--env-file", str(ROOT / ".env.example"), *args, "config", "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert (result.returncode, result.stderr) == (0, "")


def test_embedded_profile_never_starts_mssql_or_redis():
    result = subprocess.run(
        [COMPOSE, "--env-file", str(ROOT / ".env.example"), *FILES, "config"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert result.stdout.count("- sqlserver-and-redis-only") == 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (http on 127.0.0.1)
        return response.status, response.read()


@pytest.fixture
def smoke_env(tmp_path) -> tuple[Path, int]:
    build = subprocess.run(
        [str(ROOT / "scripts" / "build-web-image.sh")], cwd=ROOT, capture_output=True, text=True, timeout=1200,
        check=False,
    )  # fmt: skip
    if build.returncode != 0:
        pytest.fail(f"could not build academy-web:latest:\n{build.stdout[-3000:]}\n{build.stderr[-3000:]}")
    port = free_port()
    env_file = tmp_path / "smoke.env"
    env_file.write_text(
        "\n".join(
            [
                f"DJANGO_SECRET_KEY={secrets.token_urlsafe(60)}",
                "DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost",
                "WEB_BIND=127.0.0.1",
                f"WEB_PORT={port}",
                f"DOCKER_GID={os.stat('/var/run/docker.sock').st_gid}",
                "ACADEMY_WORKER_CONCURRENCY=1",
                "WEB_CONCURRENCY=2",
                "",
            ]
        )
    )
    compose(*FILES, "down", "-v", "--remove-orphans", env_file=env_file, check=False)  # a previous crash
    yield env_file, port
    logs = compose(*FILES, "logs", "--no-color", "--tail", "40", env_file=env_file, check=False)
    compose(*FILES, "down", "-v", "--remove-orphans", env_file=env_file, check=False)
    print(logs.stdout[-4000:])  # noqa: T201 (shown only when the test fails)


def test_embedded_profile_serves_the_site(smoke_env):
    env_file, port = smoke_env
    started = time.monotonic()
    compose(*FILES, "up", "-d", env_file=env_file, timeout=600)
    container = compose(*FILES, "ps", "-q", "web", env_file=env_file).stdout.strip()
    assert container, "the web container was not created"
    status = ""
    while time.monotonic() - started < HEALTH_TIMEOUT:
        state = json.loads(
            subprocess.run(
                ["docker", "inspect", "--format", "{{json .State}}", container],
                capture_output=True,
                text=True,
                timeout=30,
                check=True,
            ).stdout  # fmt: skip
        )
        status = state.get("Health", {}).get("Status", "")
        if status == "healthy" or not state["Running"]:
            break
        time.sleep(1)
    assert status == "healthy", f"web did not become healthy within {HEALTH_TIMEOUT}s (state {status!r})"
    health_status, health_body = get(f"http://127.0.0.1:{port}/healthz")
    assert (health_status, json.loads(health_body)) == (200, {"status": "ok", "database": "ok"})
    home_status, home_body = get(f"http://127.0.0.1:{port}/")
    assert home_status == 200
    assert b"Django Backend Academy" in home_body
    # Static files come from the image (collectstatic at build time), served by WhiteNoise.
    services = compose(*FILES, "ps", "--services", "--filter", "status=running", env_file=env_file).stdout.split()
    assert sorted(services) == ["beat", "web", "worker"]
    migrate = compose(*FILES, "ps", "-q", "migrate", env_file=env_file).stdout.strip()
    exit_code = subprocess.run(
        ["docker", "inspect", "--format", "{{.State.ExitCode}}", migrate],
        capture_output=True, text=True, timeout=30, check=True,
    ).stdout.strip()  # fmt: skip
    assert exit_code == "0"
