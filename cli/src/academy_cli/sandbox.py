"""`academy test` in the grading image: the server's sandbox, without the hidden tests.

A self-contained twin of the server's grader/sandbox.py (the CLI imports nothing from the
server): one fresh container from the grading image with the same hardening (no network,
read-only root, size-capped tmpfs, uid 1000, no capabilities, no-new-privileges, pids and
memory limits), the project sent as a gzipped tar on stdin, JSON-lines events read from stdout
(docs/results-schema.md), and the container always removed.
"""

import contextlib
import dataclasses
import io
import json
import socket
import tarfile
import threading
from collections.abc import Callable

DEFAULT_IMAGE = "academy-grader:latest"
LOCAL_STAGES = ("learner_tests", "lint", "django_check", "migrations")  # hidden tests run on the server only
RUNNER_RESERVE_SECONDS = 5
OUTPUT_CAP = 4 * 1024 * 1024


class DockerMissing(Exception):
    """The Docker SDK, the daemon or the image is not available: the message says which."""


@dataclasses.dataclass
class LocalRun:
    results: dict | None = None
    timed_out: bool = False
    stderr: str = ""


def docker_client():
    try:
        import docker  # optional: pip install 'academy-cli[docker]'
    except ImportError:
        raise DockerMissing("the Docker SDK for Python is not installed (pip install 'academy-cli[docker]')") from None
    try:
        client = docker.from_env(timeout=30)
        client.ping()
    except Exception as exc:  # noqa: BLE001 (any failure means: no usable daemon)
        raise DockerMissing(f"the Docker daemon is not reachable ({exc})") from None
    return client


def payload_build(*, files: dict[str, bytes], executable: set[str], exercise: dict) -> bytes:
    limits = exercise["limits"]
    manifest = {
        "schema": 2,  # the runner contract version (grader.scoring.RESULTS_SCHEMA)
        "django_settings": exercise["django_settings"],
        "stages": [stage for stage in exercise["stages"] if stage in LOCAL_STAGES],
        "hidden_ids": [],
        "deadline_seconds": max(1, limits["wall_seconds"] - RUNNER_RESERVE_SECONDS),
        "output_limit_bytes": limits["output_kb"] * 1024,
        "env": {"DATABASE_ENGINE": "sqlite"},
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as archive:
        members = [("manifest.json", json.dumps(manifest).encode(), 0o644)]
        members += [(f"learner/{n}", d, 0o755 if n in executable else 0o644) for n, d in sorted(files.items())]
        for name, data, mode in members:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), mode, 0
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def run(*, image: str, payload: bytes, exercise: dict, on_event: Callable[[dict], None]) -> LocalRun:
    import docker.errors
    from docker.utils.socket import STDERR, STDOUT, frames_iter

    client = docker_client()
    try:
        image_id = client.images.get(image).id
    except docker.errors.ImageNotFound:
        raise DockerMissing(f"the grading image {image} is not on this machine (build or pull it first)") from None
    limits = exercise["limits"]
    memory_mb = limits["memory_mb"]
    container = client.containers.create(
        image_id,
        stdin_open=True,
        user="1000:1000",
        network_mode="none",
        read_only=True,
        tmpfs={
            "/work": f"size={max(32, memory_mb // 4)}m,mode=1777",
            "/tmp": f"size={max(16, memory_mb // 8)}m,mode=1777",  # noqa: S108 (inside the container)
        },
        cap_drop=["ALL"],
        security_opt=["no-new-privileges"],
        pids_limit=limits["pids"],
        mem_limit=f"{memory_mb}m",
        memswap_limit=f"{memory_mb}m",
        nano_cpus=int(float(limits["cpus"]) * 1e9),
        labels={"academy.cli": "1"},
    )
    result = LocalRun()
    try:
        sock = container.attach_socket(params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1})
        raw = sock._sock  # half-close needs the real socket

        def on_timeout() -> None:
            result.timed_out = True
            with contextlib.suppress(docker.errors.DockerException):
                container.kill()

        watchdog = threading.Timer(limits["wall_seconds"], on_timeout)
        try:
            container.start()
            watchdog.start()
            try:
                raw.sendall(payload)
                raw.shutdown(socket.SHUT_WR)
            except BrokenPipeError:
                pass  # the runner refused the input; its results say why
            stdout, stderr, total = bytearray(), bytearray(), 0
            for stream, data in frames_iter(sock, tty=False):
                if stream == STDOUT:
                    stdout += data
                    total += len(data)
                    if total > OUTPUT_CAP:
                        on_timeout()
                        break
                    *lines, rest = bytes(stdout).split(b"\n")
                    stdout = bytearray(rest)
                    for line in lines:
                        try:
                            event = json.loads(line)
                        except ValueError:
                            continue
                        if isinstance(event, dict) and event.get("event") == "stage":
                            on_event(event)
                        elif isinstance(event, dict) and event.get("event") == "results":
                            result.results = event.get("results")
                elif stream == STDERR:
                    stderr = (stderr + data)[-8192:]
            result.stderr = stderr.decode(errors="replace")
        finally:
            watchdog.cancel()
            sock.close()
    finally:
        with contextlib.suppress(docker.errors.DockerException):
            container.remove(force=True)
    return result
