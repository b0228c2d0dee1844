"""The one module that talks to Docker. Tests may swap `DockerSandbox` here, and nowhere else.

Each run gets a fresh container from the grading image, hardened as docs/results-schema.md
and ARCHITECTURE.md describe, and always removed afterwards. Files go in as a tar stream on
the container's stdin and results come back as JSON lines on its stdout, both through the
Engine API's attach endpoint: Docker cannot copy files into the tmpfs of a read-only
container, and no host path is ever mounted.
"""

import contextlib
import dataclasses
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator

import docker
import docker.errors
import requests.exceptions
from docker.types import LogConfig
from docker.utils.socket import STDERR, STDOUT, frames_iter

logger = logging.getLogger(__name__)

LABEL = "academy.grader"
STDERR_TAIL = 8192
# Beyond the runner's own deadline: time to start, to print results and to exit.
EXIT_GRACE_SECONDS = 15


class SandboxUnavailable(Exception):
    """Docker or the grading image cannot be used right now. Retryable; never the learner's fault."""


@dataclasses.dataclass(frozen=True)
class SandboxLimits:
    wall_seconds: int
    memory_mb: int
    pids: int
    cpus: float
    output_bytes: int  # cap on what the container may print on stdout


@dataclasses.dataclass
class SandboxRun:
    image_id: str
    exit_code: int | None = None
    timed_out: bool = False
    oom_killed: bool = False
    output_exceeded: bool = False
    results: dict | None = None
    stages_started: list[str] = dataclasses.field(default_factory=list)
    stderr: str = ""
    duration_ms: int = 0


def _client() -> docker.DockerClient:
    try:
        client = docker.from_env(timeout=30)
        client.ping()
    except (docker.errors.DockerException, requests.exceptions.RequestException) as exc:
        raise SandboxUnavailable(f"the Docker daemon is not reachable ({exc})") from None
    return client


class DockerSandbox:
    def __init__(self, image: str, instance: str = "") -> None:
        self.image = image
        # Which grader deployment started a container, so that two on one daemon (or two test
        # runs) can tell their containers apart.
        self.instance = instance

    def run(
        self,
        *,
        payload: bytes,
        limits: SandboxLimits,
        labels: dict[str, str],
        on_event: Callable[[dict], None],
        network: str | None = None,
    ) -> SandboxRun:
        """Run the runner on `payload`. `network` is a run's internal network (SQL Server grading);
        without one the container has no network at all."""
        client = _client()
        try:
            image = client.images.get(self.image)
        except docker.errors.ImageNotFound:
            raise SandboxUnavailable(f"the grading image {self.image} is missing (run `make sandbox-image`)") from None
        deadline = time.time() + limits.wall_seconds + EXIT_GRACE_SECONDS
        # tmpfs pages count against the memory limit: keep the disks well inside it, so that
        # filling one is a clean "No space left on device", not an out-of-memory kill.
        work_mb, tmp_mb = max(32, limits.memory_mb // 4), max(16, limits.memory_mb // 8)
        try:
            container = client.containers.create(
                image.id,
                stdin_open=True,  # with attach, docker-py also sets StdinOnce: EOF closes stdin
                user="1000:1000",
                **({"network": network} if network else {"network_mode": "none"}),
                read_only=True,
                # Paths inside the container, each a size-capped tmpfs: the only writable places.
                tmpfs={"/work": f"size={work_mb}m,mode=1777", "/tmp": f"size={tmp_mb}m,mode=1777"},  # noqa: S108
                cap_drop=["ALL"],
                security_opt=["no-new-privileges"],
                pids_limit=limits.pids,
                mem_limit=f"{limits.memory_mb}m",
                memswap_limit=f"{limits.memory_mb}m",  # equal to mem_limit: no swap
                nano_cpus=int(limits.cpus * 1e9),
                ulimits=[docker.types.Ulimit(name="nofile", soft=1024, hard=1024)],
                log_config=LogConfig(type="json-file", config={"max-size": "1m", "max-file": "1"}),
                labels={LABEL: "1", "academy.instance": self.instance, "academy.deadline": str(int(deadline)),
                        **labels},
            )
        except (docker.errors.DockerException, requests.exceptions.RequestException) as exc:
            raise SandboxUnavailable(f"could not create the sandbox container ({exc})") from None
        run = SandboxRun(image_id=image.id)
        started = time.monotonic()
        try:
            self._attach_and_follow(container, payload, limits, run, on_event)
            try:
                run.exit_code = container.wait(timeout=EXIT_GRACE_SECONDS)["StatusCode"]
            except requests.exceptions.RequestException:
                container.kill()
                run.timed_out = True
            container.reload()
            run.oom_killed = bool(container.attrs["State"].get("OOMKilled"))
        except (docker.errors.DockerException, requests.exceptions.RequestException, OSError) as exc:
            raise SandboxUnavailable(f"the sandbox failed while running ({exc})") from None
        finally:
            run.duration_ms = int((time.monotonic() - started) * 1000)
            try:
                container.remove(force=True)
            except docker.errors.DockerException:
                logger.exception("could not remove sandbox container %s; the reaper will", container.id)
        return run

    def _attach_and_follow(
        self, container, payload: bytes, limits: SandboxLimits, run: SandboxRun, on_event: Callable[[dict], None]
    ) -> None:
        sock = container.attach_socket(params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1})
        raw = sock._sock  # docker-py's SocketIO wraps the real socket; we need half-close

        # The watchdog kills the container at the wall clock; the read loop then sees EOF.
        def on_timeout() -> None:
            run.timed_out = True
            _kill_quietly(container)

        watchdog = threading.Timer(limits.wall_seconds, on_timeout)
        try:
            container.start()
            watchdog.start()
            raw.sendall(payload)
            raw.shutdown(socket.SHUT_WR)
            stdout, stderr, total = bytearray(), bytearray(), 0
            for stream, data in frames_iter(sock, tty=False):
                if stream == STDOUT:
                    stdout += data
                    total += len(data)
                    if total > limits.output_bytes:
                        run.output_exceeded = True
                        _kill_quietly(container)
                        break
                    stdout = self._consume_lines(stdout, run, on_event)
                elif stream == STDERR:
                    stderr = (stderr + data)[-STDERR_TAIL:]
            run.stderr = stderr.decode(errors="replace")
        except BrokenPipeError:
            # The runner exited before reading all input (it refused it): its results say why.
            pass
        finally:
            watchdog.cancel()
            sock.close()

    @staticmethod
    def _consume_lines(buffer: bytearray, run: SandboxRun, on_event: Callable[[dict], None]) -> bytearray:
        *lines, rest = bytes(buffer).split(b"\n")
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                continue  # not ours: ignore anything that is not a JSON event
            if not isinstance(event, dict):
                continue
            if event.get("event") == "stage" and event.get("state") == "started":
                run.stages_started.append(str(event.get("stage"))[:32])
                on_event(event)
            elif event.get("event") == "results" and isinstance(event.get("results"), dict):
                run.results = event["results"]
        # Only a partial line stays buffered; the total is still capped by output_bytes.
        return bytearray(rest)

    @contextlib.contextmanager
    def mssql_network(self, run_id: str, *, mssql_container: str) -> Iterator[str]:
        """An internal network holding only the SQL Server container, for one run; always removed."""
        from grader.mssql import sandbox_network

        try:
            client = _client()
            with sandbox_network(client, run_id, mssql_container=mssql_container, labels={LABEL: "1"}) as (name, _):
                yield name
        except (docker.errors.DockerException, requests.exceptions.RequestException) as exc:
            raise SandboxUnavailable(f"could not set up the run's SQL Server network ({exc})") from None

    def reap_orphans(self) -> int:
        """Remove this deployment's grading containers whose deadline has passed (left by a
        crashed worker). Another deployment's containers on a shared daemon are not ours."""
        client = _client()
        removed = 0
        labels = [LABEL, f"academy.instance={self.instance}"]
        for container in client.containers.list(all=True, filters={"label": labels}):
            deadline = int(container.labels.get("academy.deadline", "0") or 0)
            if deadline < time.time() - EXIT_GRACE_SECONDS:
                _kill_quietly(container, remove=True)
                removed += 1
        return removed


def _kill_quietly(container, remove: bool = False) -> None:
    try:
        if remove:
            container.remove(force=True)
        else:
            container.kill()
    except docker.errors.DockerException:
        pass  # already gone
