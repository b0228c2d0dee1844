"""The trusted grading runner of the academy-grader image (see docs/results-schema.md).

Input: one gzipped tar on stdin (manifest.json first, then learner/... and hidden/..., and for
the mutation stage reference/... and mutants/NAME/...).
Output: JSON lines on the runner's own stdout: stage events, then one results event.

The runner uses only the standard library. It never scores; the worker does.
Paths can be moved with environment variables for testing on a host only:
ACADEMY_WORK_DIR (default /work), ACADEMY_STATE_DIR (default /tmp/academy),
ACADEMY_KILL_ALL (default "auto": kill every other process after each stage when the runner
is PID 1 of its container).
"""

from __future__ import annotations

import ctypes
import gzip
import importlib.util
import io
import json
import os
import re
import secrets
import selectors
import shutil
import signal
import stat
import subprocess
import sys
import tarfile
import time
import traceback
import zlib

SCHEMA = 2
RUNNER_DIR = os.path.dirname(os.path.abspath(__file__))
KNOWN_STAGES = ("learner_tests", "hidden_tests", "lint", "django_check", "migrations", "mssql_lint", "mutation")

MAX_INPUT_BYTES = 64 * 1024 * 1024  # the gzipped stream
MAX_UNPACKED_BYTES = 256 * 1024 * 1024  # the sum of all members
MAX_MEMBER_BYTES = 16 * 1024 * 1024
MAX_HIDDEN_BYTES = 16 * 1024 * 1024
MAX_MEMBERS = 10000
MAX_PATH_LEN = 400
MAX_MANIFEST_BYTES = 256 * 1024
MAX_MUTATION_BYTES = 16 * 1024 * 1024  # reference/ and mutants/ together
MAX_MUTANTS = 50
MAX_FAILING_TESTS = 20  # failing test ids kept per mutant

MAX_TESTS = 500
MAX_LINT = 200
MAX_MSSQL = 100  # SQL Server readiness findings kept
MSSQL_STDOUT_LIMIT = 4 * 1024 * 1024
MSSQL_SEVERITIES = ("error", "warning", "unverifiable")
# The mssql_lint stage renders DDL for SQL Server without a server: these dummy settings never
# reach one (TEST-NET-1, RFC 5737, is never routed; the container has no network either).
MSSQL_DUMMY_ENV = {
    "DATABASE_ENGINE": "mssql",
    "DATABASE_NAME": "offline_ddl",
    "DATABASE_HOST": "192.0.2.1",
    "DATABASE_PORT": "1433",
    "DATABASE_USER": "offline",
    "DATABASE_PASSWORD": "offline-not-a-secret",
}
MESSAGE_LIMIT = 4096
DEFAULT_OUTPUT_LIMIT = 256 * 1024
MAX_OUTPUT_LIMIT = 4 * 1024 * 1024
MAX_DEADLINE = 3600
DEFAULT_DEADLINE = 110
RESERVE_SECONDS = 1.5  # kept back from the deadline to clean up and print results
REPORT_READ_LIMIT = 16 * 1024 * 1024
RUFF_STDOUT_LIMIT = 8 * 1024 * 1024

ENV_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
MUTANT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

# The mutation stage runs the learner's tests against the reference app: these files are the
# learner's (tests and pytest configuration), everything else comes from the reference. The
# rule lives in project_files.py beside this file, which the site loads too. The runner runs as
# `python -I` (no script directory on sys.path), so it loads its sibling by path.
def _sibling(name: str):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"academy_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_project_files = _sibling("project_files")
_migration_static = _sibling("migration_static")
is_test_path = _project_files.is_test_path
TEST_SKIP_DIRS = {"__pycache__", ".git", ".venv", "venv", "node_modules", ".pytest_cache", ".ruff_cache"}


class InputError(Exception):
    """The input stream or manifest is invalid."""


# --------------------------------------------------------------------------------------------
# Small helpers


def cap_text(text: str, limit: int = MESSAGE_LIMIT) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 3] + "..."


class TailBuffer:
    """Keeps the last `limit` bytes written to it; remembers whether anything was dropped."""

    def __init__(self, limit: int):
        self.limit = max(0, int(limit))
        self.buf = bytearray()
        self.truncated = False
        self.total = 0

    def feed(self, data: bytes) -> None:
        self.total += len(data)
        self.buf += data
        if len(self.buf) > self.limit:
            del self.buf[: len(self.buf) - self.limit]
            self.truncated = True

    def text(self) -> str:
        data = bytes(self.buf)
        if self.truncated:
            # Do not start in the middle of a UTF-8 sequence.
            i = 0
            while i < min(4, len(data)) and (data[i] & 0xC0) == 0x80:
                i += 1
            data = data[i:]
        return data.decode("utf-8", errors="replace")


class HeadBuffer:
    """Keeps the first `limit` bytes written to it."""

    def __init__(self, limit: int):
        self.limit = limit
        self.buf = bytearray()
        self.truncated = False

    def feed(self, data: bytes) -> None:
        room = self.limit - len(self.buf)
        if room > 0:
            self.buf += data[:room]
        if len(data) > room:
            self.truncated = True


def set_non_dumpable() -> bool:
    """prctl(PR_SET_DUMPABLE, 0): same-uid processes can no longer open /proc/<us>/fd/*,
    read our memory or ptrace us."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_DUMPABLE = 4
        return libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0
    except Exception:
        return False


# --------------------------------------------------------------------------------------------
# Input


def read_stream(stream, limit: int = MAX_INPUT_BYTES) -> bytes:
    chunks = []
    total = 0
    while True:
        chunk = stream.read(1024 * 1024)
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            raise InputError(f"input larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def safe_relpath(name: str) -> str:
    """Normalise a member path relative to its root; refuse anything that could escape it."""
    if not isinstance(name, str) or not name:
        raise InputError("empty member name")
    if "\x00" in name or "\\" in name:
        raise InputError(f"bad character in member name {name!r}")
    if name.startswith("/"):
        raise InputError(f"absolute member name {name!r}")
    if len(name) > MAX_PATH_LEN:
        raise InputError(f"member name too long {name[:80]!r}...")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise InputError(f"'..' in member name {name!r}")
    return "/".join(parts)


def iter_members(data: bytes):
    """Yield (relpath, kind, content) for each member: kind is 'dir' or 'file' (content bytes).

    The first member must be manifest.json. Links, devices and FIFOs are refused. Sizes are
    checked before any content is read."""
    try:
        tar = tarfile.open(fileobj=io.BytesIO(data), mode="r|gz")
    except (tarfile.TarError, OSError, EOFError, gzip.BadGzipFile) as err:
        raise InputError(f"input is not a gzipped tar: {err}") from None
    count = 0
    unpacked = 0
    try:
        for member in tar:
            count += 1
            if count > MAX_MEMBERS:
                raise InputError(f"more than {MAX_MEMBERS} members")
            rel = safe_relpath(member.name)
            if member.isdir():
                if rel:
                    yield rel, "dir", None
                continue
            if not member.isreg():
                raise InputError(f"member {member.name!r} is not a regular file or directory")
            if member.size > MAX_MEMBER_BYTES:
                raise InputError(f"member {member.name!r} is larger than {MAX_MEMBER_BYTES} bytes")
            unpacked += member.size
            if unpacked > MAX_UNPACKED_BYTES:
                raise InputError(f"input unpacks to more than {MAX_UNPACKED_BYTES} bytes")
            fh = tar.extractfile(member)
            content = fh.read() if fh is not None else b""
            if len(content) != member.size:
                raise InputError(f"member {member.name!r} is truncated")
            yield rel, "file", content
    except (tarfile.TarError, OSError, EOFError, zlib.error) as err:
        raise InputError(f"bad tar stream: {err}") from None
    finally:
        tar.close()


def ensure_dir(root: str, rel: str) -> str:
    """Create root/rel as a real directory, replacing anything else in the way (never
    following symlinks). Returns the absolute path."""
    path = root
    for part in rel.split("/") if rel else []:
        path = os.path.join(path, part)
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            st = None
        if st is not None and not stat.S_ISDIR(st.st_mode):
            remove_path(path)
            st = None
        if st is None:
            os.mkdir(path, 0o755)
        elif stat.S_IMODE(st.st_mode) & stat.S_IRWXU != stat.S_IRWXU:
            os.chmod(path, stat.S_IMODE(st.st_mode) | stat.S_IRWXU)
    return path


def remove_path(path: str) -> None:
    st = os.lstat(path)
    if stat.S_ISDIR(st.st_mode):
        make_writable_tree(path)
        shutil.rmtree(path)
    else:
        parent = os.path.dirname(path)
        pst = os.lstat(parent)
        if stat.S_IMODE(pst.st_mode) & stat.S_IRWXU != stat.S_IRWXU:
            os.chmod(parent, stat.S_IMODE(pst.st_mode) | stat.S_IRWXU)
        os.unlink(path)


def make_writable_tree(path: str) -> None:
    """Give the owner rwx on every directory of the tree (learner code may have removed it)."""

    def fix(p: str) -> None:
        try:
            st = os.lstat(p)
            if stat.S_ISDIR(st.st_mode):
                os.chmod(p, stat.S_IMODE(st.st_mode) | stat.S_IRWXU)
        except OSError:
            pass

    fix(path)
    for dirpath, dirnames, _ in os.walk(path):
        for d in dirnames:
            fix(os.path.join(dirpath, d))


def write_file(root: str, rel: str, content: bytes, mode: int = 0o644) -> None:
    """Write root/rel, creating parents; whatever is at the path (file, link, directory) is
    replaced, and links are never followed."""
    parent_rel, _, name = rel.rpartition("/")
    parent = ensure_dir(root, parent_rel)
    path = os.path.join(parent, name)
    if os.path.lexists(path):
        remove_path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
    try:
        view = memoryview(content)
        while view:
            n = os.write(fd, view)
            view = view[n:]
    finally:
        os.close(fd)


def load_input(data: bytes, work_dir: str, mutation: dict | None = None):
    """Unpack the stream: learner/ into work_dir, hidden/ into memory. Returns
    (manifest, hidden) where hidden maps relative paths to bytes. reference/ and mutants/NAME/
    go into memory too, into `mutation` when given: {"reference": {rel: bytes},
    "mutants": {name: {rel: bytes}}}."""
    manifest = None
    hidden: dict[str, bytes] = {}
    hidden_total = 0
    if mutation is None:
        mutation = {}
    mutation.setdefault("reference", {})
    mutation.setdefault("mutants", {})
    mutation.setdefault("equivalents", {})
    mutation_total = 0
    first = True
    for rel, kind, content in iter_members(data):
        if first:
            if rel != "manifest.json" or kind != "file":
                raise InputError("the first member must be manifest.json")
            if len(content) > MAX_MANIFEST_BYTES:
                raise InputError("manifest.json is too large")
            try:
                manifest = json.loads(content.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as err:
                raise InputError(f"manifest.json is not JSON: {err}") from None
            first = False
            manifest = validate_manifest(manifest)
            continue
        top, _, sub = rel.partition("/")
        if top == "learner":
            try:
                if kind == "dir":
                    ensure_dir(work_dir, sub)
                elif sub:
                    write_file(work_dir, sub, content)
            except OSError as err:
                raise InputError(f"cannot write {sub!r}: {err.strerror or err}") from None
        elif top == "hidden":
            if kind == "file" and sub:
                hidden_total += len(content)
                if hidden_total > MAX_HIDDEN_BYTES:
                    raise InputError("hidden files are too large")
                hidden[sub] = content
        elif top in ("reference", "mutants", "equivalents"):
            if kind != "file" or not sub:
                continue
            if top == "reference":
                target = mutation["reference"]
            else:
                name, _, sub = sub.partition("/")
                if name not in manifest[top] or not sub:
                    raise InputError(f"member {rel!r} is not a file of one of the manifest's {top}")
                target = mutation[top].setdefault(name, {})
            mutation_total += len(content)
            if mutation_total > MAX_MUTATION_BYTES:
                raise InputError("reference and mutant files are too large")
            target[sub] = content
        elif rel == "manifest.json":
            raise InputError("duplicate manifest.json")
        else:
            raise InputError(f"unexpected member {rel!r} (only learner/, hidden/, reference/, mutants/, equivalents/)")
    if manifest is None:
        raise InputError("empty input: no manifest.json")
    for top in ("mutants", "equivalents"):
        empty = [name for name in manifest[top] if not mutation[top].get(name)]
        if empty:
            raise InputError(f"{top[:-1]} {empty[0]!r} has no files")
    return manifest, hidden


def validate_manifest(m) -> dict:
    if not isinstance(m, dict):
        raise InputError("manifest must be an object")
    if m.get("schema") != SCHEMA:
        raise InputError(f"unsupported manifest schema {m.get('schema')!r}")
    stages = m.get("stages", [])
    if not isinstance(stages, list) or not all(isinstance(s, str) for s in stages):
        raise InputError("stages must be a list of names")
    unknown = [s for s in stages if s not in KNOWN_STAGES]
    if unknown:
        raise InputError(f"unknown stages {unknown}")
    if len(set(stages)) != len(stages):
        raise InputError("duplicate stages")
    settings = m.get("django_settings", "")
    if not isinstance(settings, str) or (settings and not DOTTED.match(settings)):
        raise InputError("django_settings must be a dotted module name")
    hidden_ids = m.get("hidden_ids", [])
    if not isinstance(hidden_ids, list) or not all(isinstance(h, str) for h in hidden_ids):
        raise InputError("hidden_ids must be a list of strings")
    for hid in hidden_ids:
        path = hid.split("::", 1)[0]
        if not hid or hid.startswith("-") or "\x00" in hid or not path:
            raise InputError(f"bad hidden id {hid!r}")
        if safe_relpath(path) != path:
            raise InputError(f"hidden id {hid!r} must use a normalised relative path")
    deadline = m.get("deadline_seconds", DEFAULT_DEADLINE)
    if not isinstance(deadline, (int, float)) or isinstance(deadline, bool) or deadline <= 0:
        raise InputError("deadline_seconds must be a positive number")
    limit = m.get("output_limit_bytes", DEFAULT_OUTPUT_LIMIT)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
        raise InputError("output_limit_bytes must be a non-negative integer")
    variants = {}
    for key in ("mutants", "equivalents"):
        names = m.get(key, [])
        if not isinstance(names, list) or len(names) > MAX_MUTANTS:
            raise InputError(f"{key} must be a list of at most {MAX_MUTANTS} names")
        for name in names:
            if not isinstance(name, str) or not MUTANT_NAME.match(name):
                raise InputError(f"bad {key[:-1]} name {name!r}")
        if len(set(names)) != len(names):
            raise InputError(f"duplicate {key[:-1]} names")
        variants[key] = list(names)
    env = m.get("env", {})
    if not isinstance(env, dict):
        raise InputError("env must be an object")
    for k, v in env.items():
        if not ENV_KEY.match(k) or not isinstance(v, str) or "\x00" in v or len(v) > 4096:
            raise InputError(f"bad env entry {k!r}")
    return {
        "schema": SCHEMA,
        "stages": stages,
        "django_settings": settings,
        "hidden_ids": hidden_ids,
        "deadline_seconds": min(float(deadline), MAX_DEADLINE),
        "output_limit_bytes": min(limit, MAX_OUTPUT_LIMIT),
        "env": dict(env),
        "mutants": variants["mutants"],
        "equivalents": variants["equivalents"],
    }


# --------------------------------------------------------------------------------------------
# Processes


def read_oom_kills() -> int | None:
    """The cgroup's OOM-kill counter (cgroup v2 memory.events, or v1 memory.oom_control)."""
    for path in ("/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control"):
        try:
            with open(path) as fh:
                for line in fh:
                    key, _, value = line.partition(" ")
                    if key == "oom_kill":
                        return int(value)
        except (OSError, ValueError):
            continue
    return None


def _child_setup() -> None:  # runs in the child between fork and exec
    try:
        with open("/proc/self/oom_score_adj", "w") as fh:
            fh.write("1000")  # the memory killer picks learner processes, not the runner
    except OSError:
        pass


class ProcessResult:
    def __init__(self):
        self.returncode = None
        self.timed_out = False
        self.output = ""
        self.output_truncated = False
        self.stdout = b""
        self.stdout_truncated = False
        self.duration_ms = 0


def run_process(cmd, *, cwd, env, timeout, output_limit, separate_stdout_limit=None):
    """Run cmd in a new session with stdout+stderr into a pipe read with a byte cap (the tail
    is kept). With separate_stdout_limit, stdout goes to its own pipe (head kept) and only
    stderr is the stage output. On timeout the whole process group is killed."""
    res = ProcessResult()
    start = time.monotonic()
    tail = TailBuffer(output_limit)
    head = HeadBuffer(separate_stdout_limit or 0)
    proc = subprocess.Popen(  # noqa: S603 - fixed commands built by the runner, never a shell
        cmd,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE if separate_stdout_limit else subprocess.STDOUT,
        start_new_session=True,
        close_fds=True,
        preexec_fn=_child_setup,
    )
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ, head if separate_stdout_limit else tail)
    if separate_stdout_limit:
        sel.register(proc.stderr, selectors.EVENT_READ, tail)
    open_streams = len(sel.get_map())
    deadline = start + max(0.0, timeout)
    exited_at = None
    try:
        while True:
            now = time.monotonic()
            if proc.poll() is not None:
                if exited_at is None:
                    exited_at = now
                # Drain what is left, but do not wait for descendants holding the pipe open.
                if open_streams == 0 or now - exited_at > 0.5:
                    break
            if now >= deadline and proc.returncode is None:
                res.timed_out = True
                kill_group(proc.pid)
                proc.wait()
                # drain briefly
                exited_at = time.monotonic()
                continue
            wait = 0.05 if proc.returncode is not None else min(0.2, max(0.0, deadline - now))
            if open_streams == 0:
                if proc.returncode is None:
                    try:  # the pipes are closed: just wait for the exit (or the deadline)
                        proc.wait(timeout=max(0.0, deadline - now))
                    except subprocess.TimeoutExpired:
                        pass
                continue
            for key, _ in sel.select(timeout=wait):
                try:
                    chunk = os.read(key.fd, 65536)
                except OSError:
                    chunk = b""
                if chunk:
                    key.data.feed(chunk)
                else:
                    sel.unregister(key.fileobj)
                    open_streams -= 1
    finally:
        kill_group(proc.pid)
        for f in (proc.stdout, proc.stderr):
            if f is not None:
                f.close()
        sel.close()
        if proc.returncode is None:
            proc.wait()
    res.returncode = proc.returncode
    res.duration_ms = int(round((time.monotonic() - start) * 1000))
    res.output = tail.text()
    res.output_truncated = tail.truncated
    res.stdout = bytes(head.buf)
    res.stdout_truncated = head.truncated
    return res


def kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _other_pids(exclude: set[int]) -> list[int]:
    pids = []
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) not in exclude:
            pids.append(int(name))
    return pids


def _ancestors() -> set[int]:
    pids = {os.getpid()}
    pid = os.getpid()
    while pid > 1:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                data = fh.read()
            pid = int(data.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
        pids.add(pid)
    pids.add(1)
    return pids


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_all_others(mode: str) -> int:
    """Kill every process of the container except the runner (and its ancestors). Returns
    how many processes were still alive at the first pass. mode: 'off' or 'on'."""
    if mode == "off":
        return 0
    me = os.getpid()
    exclude = _ancestors() if me != 1 else {1}
    found = 0
    for attempt in range(100):
        if me == 1:
            # As PID 1 of the namespace, kill(-1) reaches every other process in it at once.
            try:
                os.kill(-1, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        others = _other_pids(exclude)
        if attempt == 0:
            found = len(others)
        alive = []
        for pid in others:
            try:
                with open(f"/proc/{pid}/stat") as fh:
                    state = fh.read().rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            if state in ("Z", "X"):
                continue
            alive.append(pid)
            if me != 1:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        _reap()
        if not alive:
            break
        time.sleep(0.01)
    _reap()
    return found


def kill_mode() -> str:
    value = os.environ.get("ACADEMY_KILL_ALL", "auto")
    if value == "auto":
        return "on" if os.getpid() == 1 else "off"
    return "on" if value in ("1", "on", "true", "yes") else "off"


# --------------------------------------------------------------------------------------------
# Parsing stage products


def parse_ruff_output(text: str, root: str, limit: int = MAX_LINT):
    """Parse ruff's json-lines (or json array) output into capped findings.
    Returns (findings, truncated); raises ValueError when the output is not ruff JSON."""
    text = text.strip()
    if not text:
        return [], False
    if text.startswith("["):
        items = json.loads(text)
    else:
        items = [json.loads(line) for line in text.splitlines() if line.strip()]
    if not isinstance(items, list):
        raise ValueError("ruff output is not a list")
    root = os.path.realpath(root)
    findings = []
    for item in items:
        if not isinstance(item, dict):
            raise ValueError("ruff finding is not an object")
        filename = str(item.get("filename") or "")
        real = os.path.realpath(filename) if filename else ""
        if real.startswith(root + os.sep):
            path = os.path.relpath(real, root)
        else:
            path = filename
        loc = item.get("location") or {}
        code = item.get("code") or "invalid-syntax"  # older ruff versions give syntax errors no code
        findings.append(
            {
                "path": path,
                "line": int(loc.get("row") or 0),
                "column": int(loc.get("column") or 0),
                "code": str(code),
                "message": cap_text(str(item.get("message") or "")),
            }
        )
    findings.sort(key=lambda f: (f["path"], f["line"], f["column"], f["code"]))
    truncated = len(findings) > limit
    return findings[:limit], truncated


def parse_mssql_output(text: str, limit: int = MAX_MSSQL):
    """Parse mssql_check.py's JSON into capped findings, errors first (then warnings, then
    unverifiable), each group in the order found. Returns (findings, truncated); raises
    ValueError when the output is not what mssql_check.py prints, or says a connection opened."""
    data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise ValueError("not an mssql_check result")
    if data.get("connection_opened") is not False:
        raise ValueError("a database connection was opened while rendering offline")
    findings = []
    for item in data["findings"]:
        if not isinstance(item, dict) or item.get("severity") not in MSSQL_SEVERITIES:
            raise ValueError("bad finding")
        line = item.get("line")
        findings.append(
            {
                "rule": cap_text(str(item.get("rule") or ""), 32),
                "severity": item["severity"],
                "path": cap_text(str(item.get("path") or ""), 300),
                "line": line if isinstance(line, int) and not isinstance(line, bool) and line > 0 else None,
                "message": cap_text(str(item.get("message") or "")),
                "lesson": cap_text(str(item.get("lesson") or ""), 64),
                "anchor": cap_text(str(item.get("anchor") or ""), 64),
            }
        )
    findings.sort(key=lambda f: MSSQL_SEVERITIES.index(f["severity"]))  # stable: keeps the order found
    return findings[:limit], len(findings) > limit


_TB_FILE = re.compile(r'File "(?P<path>[^"]+)", line (?P<line>\d+)')
_PYTEST_ERR_LOC = re.compile(r"^(?P<path>[^\s:]+\.py):(?P<line>\d+): ")
_EXC_LINE = re.compile(r"^(?:E\s+)?(?P<msg>[A-Za-z_][\w.]*(?:Error|Exception|Exit)\b.*)$")
_COLLECT_HEADER = re.compile(r"_{3,} ERROR collecting (?P<path>\S+) _{3,}")


def parse_collection_errors(output: str, root: str) -> list[dict]:
    """Fallback when the report plugin could not say: find collection errors in pytest's
    output ("ERROR collecting x.py" sections, or a traceback when pytest could not start)."""
    root = os.path.realpath(root)
    lines = output.splitlines()
    sections = []
    current = None
    for line in lines:
        m = _COLLECT_HEADER.search(line)
        if m:
            current = {"path": m.group("path"), "lines": []}
            sections.append(current)
            continue
        if current is not None:
            if re.match(r"^(_{3,}|={3,})", line):
                current = None
            else:
                current["lines"].append(line)
    if not sections and ("Traceback (most recent call last)" in output or "ImportError" in output):
        sections = [{"path": None, "lines": lines}]
    errors = []
    for sec in sections:
        path, lineno, message = sec["path"], None, None
        for line in sec["lines"]:
            m = _TB_FILE.search(line)
            if m:
                real = os.path.realpath(m.group("path"))
                if real.startswith(root + os.sep) and "site-packages" not in real:
                    path, lineno = os.path.relpath(real, root), int(m.group("line"))
                continue
            m = _PYTEST_ERR_LOC.match(line.strip())
            if m and not m.group("path").startswith(("/usr", "/opt")) and "site-packages" not in line:
                cand = m.group("path")
                real = os.path.realpath(os.path.join(root, cand))
                if real.startswith(root + os.sep):
                    path, lineno = os.path.relpath(real, root), int(m.group("line"))
                continue
            m = _EXC_LINE.match(line.strip())
            if m:
                message = m.group("msg").strip()
        if path is None and message is None:
            continue
        errors.append({"path": path, "line": lineno, "message": cap_text(message or "collection error")})
    return errors


def read_report(path: str, anomalies: list | None = None):
    """Read the plugin's JSON-lines report. Returns (tests, collect_errors, exitstatus);
    unreadable lines are skipped, a missing file gives empty lists. What an honest plugin never
    writes (a second record for one test, anything after session_finish) goes to `anomalies`."""
    anomalies = [] if anomalies is None else anomalies
    tests: dict[str, dict] = {}
    errors = []
    exitstatus = None
    try:
        with open(path, "rb") as fh:
            data = fh.read(REPORT_READ_LIMIT)
    except OSError:
        return [], [], None
    for raw in data.splitlines():
        try:
            obj = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            continue
        if not isinstance(obj, dict):
            continue
        kind = obj.get("kind")
        if exitstatus is not None and len(anomalies) < 20:
            anomalies.append("a report line after the session finished")
        if kind == "test" and isinstance(obj.get("id"), str):
            if obj["id"] in tests and len(anomalies) < 20:
                anomalies.append(f"a second report for {cap_text(obj['id'], 200)}")
            outcome = obj.get("outcome")
            if outcome not in ("passed", "failed", "error", "skipped"):
                continue
            duration = obj.get("duration_ms")
            tests[obj["id"]] = {
                "id": cap_text(obj["id"], 1024),
                "outcome": outcome,
                "message": cap_text(str(obj.get("message") or "")),
                "duration_ms": int(duration) if isinstance(duration, (int, float)) else 0,
            }
        elif kind == "collect_error":
            line = obj.get("line")
            errors.append(
                {
                    "path": str(obj["path"]) if obj.get("path") else None,
                    "line": int(line) if isinstance(line, int) else None,
                    "message": cap_text(str(obj.get("message") or "")),
                }
            )
        elif kind == "session_finish" and isinstance(obj.get("exitstatus"), int):
            exitstatus = obj["exitstatus"]
    return list(tests.values()), errors, exitstatus


# --------------------------------------------------------------------------------------------
# Stages


class Runner:
    def __init__(self, work_dir: str, state_dir: str, out_fd: int, start: float | None = None):
        self.work = work_dir
        self.state = state_dir
        self.out_fd = out_fd
        self.start = time.monotonic() if start is None else start
        self.kill = kill_mode()
        self.results = {
            "schema": SCHEMA,
            "stages": [],
            "tests": [],
            "lint": [],
            "collection_errors": [],
            "truncated": {"tests": False, "lint": False},
            "internal_error": None,
            # What the runner saw that honest code never produces (docs/grading-integrity.md).
            "integrity": [],
        }
        self.manifest = None
        self.hidden: dict[str, bytes] = {}
        self.mutation: dict = {"reference": {}, "mutants": {}, "equivalents": {}}
        self.python = sys.executable
        self.bindir = os.path.dirname(self.python)

    # -- output
    def emit(self, obj: dict) -> None:
        data = (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        view = memoryview(data)
        while view:
            try:
                n = os.write(self.out_fd, view)
            except InterruptedError:
                continue
            view = view[n:]

    # -- environment
    def base_env(self) -> dict:
        env = dict(self.manifest["env"])
        env.update(
            {
                "PATH": f"{self.bindir}:/usr/local/bin:/usr/bin:/bin",
                "HOME": os.path.join(self.state, "home"),
                "LANG": "C.UTF-8",
                "PYTHONDONTWRITEBYTECODE": "1",
                "PYTHONHASHSEED": "0",
            }
        )
        if self.manifest["django_settings"]:
            env["DJANGO_SETTINGS_MODULE"] = self.manifest["django_settings"]
        for key in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME"):
            env.pop(key, None)
        return env

    def remaining(self) -> float:
        return self.manifest["deadline_seconds"] - (time.monotonic() - self.start) - RESERVE_SECONDS

    # -- the run
    def run(self, stdin) -> None:
        try:
            try:
                data = read_stream(stdin)
                self.manifest, self.hidden = load_input(data, self.work, self.mutation)
                del data
            except InputError as err:
                self.results["internal_error"] = f"invalid input: {err}"
                return
            os.makedirs(os.path.join(self.state, "home"), mode=0o700, exist_ok=True)
            for name in self.manifest["stages"]:
                self.run_stage(name)
        except Exception:
            self.results["internal_error"] = cap_text(traceback.format_exc(), 8192)
        finally:
            self.finish_results()
            self.emit({"event": "results", "results": self.results})

    def finish_results(self) -> None:
        tests = self.results["tests"]
        if len(tests) > MAX_TESTS:
            self.results["tests"] = tests[:MAX_TESTS]
            self.results["truncated"]["tests"] = True
        errors = self.results["collection_errors"]
        self.results["collection_errors"] = errors[:50]

    def run_stage(self, name: str) -> None:
        self.emit({"event": "stage", "stage": name, "state": "started"})
        entry = {
            "name": name,
            "status": "error",
            "duration_ms": 0,
            "exit_code": None,
            "output": "",
            "output_truncated": False,
            "current_test": None,
        }
        try:
            if self.remaining() <= 0:
                entry["status"] = "skipped"
                entry["output"] = "not run: the deadline was reached before this stage"
            else:
                getattr(self, "stage_" + name)(entry)
        except Exception:
            entry["status"] = "error"
            entry["output"] = cap_text(entry["output"] + "\n[runner] " + traceback.format_exc(), 16384)
        finally:
            self.results["stages"].append(entry)
            self.emit({"event": "stage", "stage": name, "state": "finished", "status": entry["status"]})

    def _exec(self, entry, cmd, env, *, separate_stdout_limit=None, current_path=None, cwd=None, timeout=None):
        oom_before = read_oom_kills()
        res = run_process(
            cmd,
            cwd=cwd or self.work,
            env=env,
            timeout=self.remaining() if timeout is None else min(timeout, self.remaining()),
            output_limit=self.manifest["output_limit_bytes"],
            separate_stdout_limit=separate_stdout_limit,
        )
        kill_all_others(self.kill)
        oom_after = read_oom_kills()
        rc = res.returncode
        entry["exit_code"] = (128 - rc) if rc is not None and rc < 0 else rc
        entry["duration_ms"] = res.duration_ms
        entry["output"] = res.output
        entry["output_truncated"] = res.output_truncated
        if res.timed_out:
            entry["status"] = "timeout"
            if current_path:
                try:
                    with open(current_path, encoding="utf-8", errors="replace") as fh:
                        current = fh.read(2048).strip()
                    entry["current_test"] = current or None
                except OSError:
                    pass
        elif oom_before is not None and oom_after is not None and oom_after > oom_before:
            entry["status"] = "memory"
        elif oom_before is None and rc == -signal.SIGKILL:
            entry["status"] = "memory"  # no cgroup counter: an unexplained SIGKILL
        else:
            entry["status"] = None  # decided by the stage
        return res

    def _stage_files(self, name: str):
        d = os.path.join(self.state, "stages")
        os.makedirs(d, mode=0o700, exist_ok=True)
        report = os.path.join(d, name + ".jsonl")
        current = os.path.join(d, name + ".current")
        for p in (report, current):
            try:
                os.unlink(p)
            except FileNotFoundError:
                pass
        return report, current

    def integrity(self, stage: str, problem: str) -> None:
        if len(self.results["integrity"]) < 40:
            self.results["integrity"].append({"stage": stage, "problem": cap_text(problem, 300)})

    def _pytest_stage(self, entry, name, cmd, env, decoy: str | None = None):
        report, current = self._stage_files(name)
        env["ACADEMY_REPORT_PATH"] = report
        env["ACADEMY_CURRENT_TEST_PATH"] = current
        env["ACADEMY_PROJECT_ROOT"] = self.work
        res = self._exec(entry, cmd, env, current_path=current)
        anomalies: list[str] = []
        tests, errors, exitstatus = read_report(report, anomalies)
        for problem in anomalies:
            self.integrity(name, problem)
        if decoy is not None:
            tests = self._check_decoy(name, tests, decoy, exitstatus)
            entry["output"] = without_test_section(entry["output"], decoy, len(tests) // 2)
        # No session_finish line: pytest never got to run a session (a crash at start-up, such
        # as a SyntaxError in a models module imported by pytest-django) or it was cut short.
        crashed = exitstatus is None
        for t in tests:
            t["stage"] = name
            self.results["tests"].append({k: t[k] for k in ("id", "stage", "outcome", "message", "duration_ms")})
        rc = res.returncode
        if entry["status"] is None and (crashed or rc in (2, 3, 4)) and not errors:
            errors = parse_collection_errors(res.output, self.work)
        for e in errors:
            e["stage"] = name
            self.results["collection_errors"].append(e)
        if entry["status"] is not None:
            return
        if errors or crashed or rc in (2, 3, 4) or rc is None or rc < 0 or rc > 5:
            entry["status"] = "error"
        elif rc == 0:
            entry["status"] = "passed"
        else:  # 1: some tests failed, 5: no tests collected
            entry["status"] = "failed"
        if decoy is not None and entry["status"] == "failed" and rc == 1 and tests:
            # The decoy's failure is the only one: the learner's own tests all passed.
            if all(t["outcome"] in ("passed", "skipped") for t in tests):
                entry["status"], entry["exit_code"] = "passed", 0

    def _check_decoy(self, name: str, tests: list[dict], decoy: str, exitstatus) -> list[dict]:
        """Take the decoy out of the reported tests; its only honest outcome is "failed"."""
        mine = [t for t in tests if t["id"].rsplit("::", 1)[-1] == decoy]
        others = [t for t in tests if t["id"].rsplit("::", 1)[-1] != decoy]
        if mine and mine[0]["outcome"] != "failed":
            self.integrity(name, f"a test that must fail was reported {mine[0]['outcome']}: outcomes were rewritten")
        elif not mine and others and exitstatus is not None:
            self.integrity(name, "a test that must fail was never reported: the collection was changed")
        return others

    def db_args(self) -> list[str]:
        """On SQL Server the grader creates the run's test database before the run, and the
        run's login may not create databases: pytest-django must reuse it, not create it."""
        return ["--reuse-db"] if self.manifest["env"].get("DATABASE_ENGINE") == "mssql" else []

    def stage_learner_tests(self, entry):
        env = self.base_env()
        env["PYTHONPATH"] = RUNNER_DIR
        # Faker's pytest plugin (the `faker` fixture) costs about a second of start-up on every
        # run; the hidden stage never loads it either (plugin autoload is off there).
        cmd = [self.python, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:faker", "-p", "academy_report", "-q",
               *self.db_args()]  # fmt: skip
        env["ACADEMY_DECOY_NAME"] = decoy = decoy_name()
        self._pytest_stage(entry, "learner_tests", cmd, env, decoy=decoy)

    def stage_hidden_tests(self, entry):
        ids = self.manifest["hidden_ids"]
        if not ids:
            entry["status"] = "skipped"
            entry["output"] = "no hidden tests"
            return
        kill_all_others(self.kill)
        remove_bytecode(self.work)
        # What the hidden files replace and which directories they add, to undo it afterwards:
        # the later stages (lint, checks) see the learner's own tree again.
        shadowed: dict[str, bytes] = {}
        new_dirs: list[str] = []
        for rel in sorted(self.hidden):
            path = os.path.join(self.work, rel)
            if os.path.isfile(path) and not os.path.islink(path):
                with open(path, "rb") as fh:
                    shadowed[rel] = fh.read(MAX_MEMBER_BYTES + 1)[:MAX_MEMBER_BYTES]
            parent = os.path.dirname(rel)
            while parent and not os.path.lexists(os.path.join(self.work, parent)):
                new_dirs.append(parent)
                parent = os.path.dirname(parent)
        try:
            for rel, content in sorted(self.hidden.items()):
                write_file(self.work, rel, content)
        except OSError as err:
            entry["status"] = "error"
            entry["output"] = f"[runner] cannot write the hidden tests: {err.strerror or err}"
            return
        env = self.base_env()
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        cmd = [
            self.python, "-I", "-B", os.path.join(RUNNER_DIR, "run_pytest.py"),
            "-c", os.path.join(RUNNER_DIR, "pytest-hidden.ini"),
            "--rootdir", self.work,
            "--noconftest",
            "-p", "no:cacheprovider",
            "-p", "pytest_django.plugin",
            "-p", "academy_report",
            *self.db_args(),
            *ids,
        ]  # fmt: skip
        try:
            self._pytest_stage(entry, "hidden_tests", cmd, env)
        finally:
            kill_all_others(self.kill)
            self.restore_learner_tree(shadowed, new_dirs)

    def restore_learner_tree(self, shadowed: dict[str, bytes], new_dirs: list[str]) -> None:
        for rel in sorted(self.hidden):
            path = os.path.join(self.work, rel)
            try:
                if os.path.lexists(path):
                    remove_path(path)
                if rel in shadowed:
                    write_file(self.work, rel, shadowed[rel])
            except OSError:
                pass
        for rel in sorted(set(new_dirs), key=lambda d: -d.count("/")):
            path = os.path.join(self.work, rel)
            try:
                remove_bytecode(path)
                os.rmdir(path)
            except OSError:
                pass

    def stage_lint(self, entry):
        env = self.base_env()
        ruff = os.path.join(self.bindir, "ruff")
        cmd = [
            ruff, "check", "--config", os.path.join(RUNNER_DIR, "ruff.toml"),
            "--config", "src = [" + json.dumps(self.work) + "]",
            "--output-format", "json-lines", "--no-cache", ".",
        ]  # fmt: skip
        res = self._exec(entry, cmd, env, separate_stdout_limit=RUFF_STDOUT_LIMIT)
        if entry["status"] is not None:
            return
        if res.returncode not in (0, 1):
            entry["status"] = "error"
            return
        text = res.stdout.decode("utf-8", errors="replace")
        if res.stdout_truncated:
            text = text[: text.rfind("\n") + 1]
        try:
            findings, truncated = parse_ruff_output(text, self.work)
        except (ValueError, TypeError) as err:
            entry["status"] = "error"
            entry["output"] = cap_text(f"{entry['output']}\n[runner] unreadable ruff output: {err}", 16384)
            return
        self.results["lint"] = findings
        self.results["truncated"]["lint"] = truncated or res.stdout_truncated
        entry["status"] = "failed" if findings else "passed"

    def _manage(self, entry, args, *, verdict_line: str):
        """Run a manage.py command. It passes only when it exits 0 *and* prints its own verdict
        line: an exit status alone proves nothing, since learner code can end any process with 0."""
        if not os.path.isfile(os.path.join(self.work, "manage.py")):
            entry["status"] = "error"
            entry["output"] = "manage.py not found at the project root"
            return
        env = self.base_env()
        res = self._exec(entry, [self.python, "manage.py", *args], env)
        if entry["status"] is not None:
            return
        if res.returncode != 0:
            entry["status"] = "failed"
        elif not any(line.strip().startswith(verdict_line) for line in res.output.splitlines()):
            entry["status"] = "failed"
            entry["output"] = cap_text(
                f"{entry['output']}\n[runner] the command exited 0 without its report ({verdict_line!r}): "
                "it did not run to the end", 16384)  # fmt: skip
            self.integrity(entry["name"], f"manage.py {args[0]} exited 0 without printing {verdict_line!r}")
        else:
            entry["status"] = "passed"

    def stage_mssql_lint(self, entry):
        """SQL Server readiness: mssql_check.py renders the migrations' T-SQL offline and judges it
        with mssql_hazards.py, plus a static scan of the learner's Python files."""
        self.results["mssql"] = []
        self.results["truncated"]["mssql"] = False
        if not os.path.isfile(os.path.join(self.work, "manage.py")):
            entry["status"] = "error"
            entry["output"] = "manage.py not found at the project root"
            return
        env = self.base_env()
        env.update(MSSQL_DUMMY_ENV)  # the fixed dummy values win over the manifest's env
        cmd = [self.python, "-I", "-B", os.path.join(RUNNER_DIR, "mssql_check.py")]
        res = self._exec(entry, cmd, env, separate_stdout_limit=MSSQL_STDOUT_LIMIT)
        if entry["status"] is not None:
            return
        if res.returncode != 0:
            entry["status"] = "error"
            return
        try:
            findings, truncated = parse_mssql_output(res.stdout.decode("utf-8", errors="replace"))
        except (ValueError, TypeError, KeyError) as err:
            entry["status"] = "error"
            entry["output"] = cap_text(f"{entry['output']}\n[runner] unreadable mssql_check output: {err}", 16384)
            return
        self.results["mssql"] = findings
        self.results["truncated"]["mssql"] = truncated
        entry["status"] = "failed" if any(f["severity"] == "error" for f in findings) else "passed"

    def stage_django_check(self, entry):
        self._manage(entry, ["check"], verdict_line="System check identified")

    def stage_migrations(self, entry):
        self._manage(entry, ["makemigrations", "--check", "--dry-run"], verdict_line="No changes detected")
        if entry["status"] not in ("passed", "failed"):
            return
        # The trusted side's own comparison, without running learner code: every field that the
        # models declare must exist in the state the migration files build.
        missing = _migration_static.missing_from_migrations(self.work)
        if missing:
            entry["status"] = "failed"
            entry["output"] = cap_text(
                entry["output"] + "\n[runner] the migration files do not create: " + ", ".join(missing[:20])
                + "\nRun `python manage.py makemigrations` and include the new migration.", 16384)  # fmt: skip
            if entry["exit_code"] == 0:
                self.integrity("migrations", "makemigrations reported no changes, but the migration files lack "
                               + ", ".join(missing[:5]))  # fmt: skip

    # -- mutation testing: the learner's tests against the reference app and its mutants

    def learner_test_files(self) -> dict[str, bytes]:
        """The learner's test files (is_test_path) from /work, read without following links."""
        files: dict[str, bytes] = {}
        total = 0
        for dirpath, dirnames, filenames in os.walk(self.work):
            dirnames[:] = sorted(
                d for d in dirnames if d not in TEST_SKIP_DIRS and not os.path.islink(os.path.join(dirpath, d))
            )
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, self.work).replace(os.sep, "/")
                if not is_test_path(rel) or name.endswith((".pyc", ".pyo")):
                    continue
                try:
                    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
                except OSError:
                    continue
                try:
                    if not stat.S_ISREG(os.fstat(fd).st_mode):
                        continue
                    with os.fdopen(fd, "rb", closefd=False) as fh:
                        content = fh.read(MAX_MEMBER_BYTES + 1)
                finally:
                    os.close(fd)
                if len(content) > MAX_MEMBER_BYTES:
                    continue
                total += len(content)
                if total > MAX_MUTATION_BYTES:
                    return files
                files[rel] = content
        return files

    def _mutation_run(self, tests: dict[str, bytes], overlay: dict[str, bytes], timeout: float) -> dict:
        """One run of the learner's pytest in a fresh tree: reference app, learner tests, overlay.
        Every run uses the same path and a fresh HOME, so the tests cannot tell runs apart by
        where they are."""
        kill_all_others(self.kill)
        tree = os.path.join(self.state, "mutation", "tree")
        home = os.path.join(self.state, "home")
        for path in (tree, home):
            if os.path.lexists(path):
                remove_path(path)
        tree = ensure_dir(self.state, "mutation/tree")  # replaces a planted link, never follows it
        os.chmod(ensure_dir(self.state, "home"), 0o700)
        for files in (self.mutation["reference"], tests, overlay):
            for rel, content in sorted(files.items()):
                write_file(tree, rel, content)
        report, current = self._stage_files("mutation")
        env = self.base_env()
        env["PYTHONPATH"] = RUNNER_DIR
        env["ACADEMY_REPORT_PATH"] = report
        env["ACADEMY_CURRENT_TEST_PATH"] = current
        env["ACADEMY_PROJECT_ROOT"] = tree
        cmd = [self.python, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:faker", "-p", "academy_report", "-q",
               *self.db_args()]  # fmt: skip
        scratch = {"status": None, "exit_code": None, "output": "", "output_truncated": False, "current_test": None}
        res = self._exec(scratch, cmd, env, current_path=current, cwd=tree, timeout=timeout)
        tests_run, errors, exitstatus = read_report(report)
        rc = res.returncode
        if scratch["status"] is None and (exitstatus is None or rc in (2, 3, 4)) and not errors:
            errors = parse_collection_errors(res.output, tree)
        status = scratch["status"]
        if status is None:
            if errors or exitstatus is None or rc is None or rc < 0 or rc > 5 or rc in (2, 3, 4):
                status = "error"
            else:
                status = "passed" if rc == 0 else "failed"
        failing = [t["id"] for t in tests_run if t["outcome"] in ("failed", "error")]
        return {
            "status": status,
            "exit_code": scratch["exit_code"],
            "tests": len(tests_run),
            "failing_tests": failing,
            "errors": errors,
            "output": res.output,
            "seconds": res.duration_ms / 1000,
            "timeout": timeout,
        }

    def stage_mutation(self, entry):
        names = self.manifest["mutants"]
        if not names:
            entry["status"] = "skipped"
            entry["output"] = "no mutants"
            return
        start = time.monotonic()
        mutants = [{"name": n, "caught": False, "failing_tests": [], "detail": "not run"} for n in names]
        self.results["mutants"] = mutants
        reference = {"status": "error", "tests": 0, "failing_tests": [], "detail": ""}
        self.results["mutation_reference"] = reference
        lines: list[str] = []

        def finish(status: str, exit_code, detail: str = "", output: str = "") -> None:
            entry["status"], entry["exit_code"] = status, exit_code
            entry["duration_ms"] = int(round((time.monotonic() - start) * 1000))
            if detail:
                lines.append(detail)
            text = "\n".join(lines) + ("\n\n" + output if output else "")
            entry["output"] = cap_text(text, max(1024, self.manifest["output_limit_bytes"]))
            entry["output_truncated"] = len(text) > len(entry["output"])

        tests = self.learner_test_files()
        if not any(rel.endswith(".py") for rel in tests):
            reference.update(status="failed", detail="no test files of yours were found")
            finish("failed", None, "[runner] no test files found: test_*.py, *_test.py, tests.py or a tests/ directory")
            return
        ref = self._mutation_run(tests, {}, self.remaining())
        reference.update(
            status=ref["status"], tests=ref["tests"], failing_tests=ref["failing_tests"][:MAX_FAILING_TESTS]
        )
        if ref["status"] != "passed":
            for e in ref["errors"]:
                e["stage"] = "mutation"
                self.results["collection_errors"].append(e)
            failed = f"{len(ref['failing_tests'])} of {ref['tests']} of your tests failed on the reference app"
            reference["detail"] = {
                "failed": failed if ref["tests"] else "no tests of yours were collected",
                "timeout": "your tests did not finish on the reference app",
                "memory": "your tests hit the memory limit on the reference app",
            }.get(ref["status"], "your tests could not run on the reference app (an import or collection error?)")
            for m in mutants:
                m["detail"] = "not run: your tests must pass on the reference app first"
            finish(
                ref["status"], ref["exit_code"], f"[runner] {reference['detail']}: no mutant can count", ref["output"]
            )
            return
        lines.append(f"reference app: {ref['tests']} tests passed in {ref['seconds']:.1f} s")
        # A hang counts as caught once the tests ran far longer than on the reference.
        hang_seconds = max(3 * ref["seconds"] + 10, 20.0)
        # Equivalent rewrites of the reference: a suite that fails one checks how the code is
        # written (its text, a hash of it), not what it does, and no mutant it "catches" counts.
        equivalents = [{"name": n, "passed": False, "failing_tests": [], "detail": "not run"}
                       for n in self.manifest["equivalents"]]  # fmt: skip
        self.results["equivalents"] = equivalents
        runs_left = len(mutants) + len(equivalents) + 1
        for i, variant in enumerate(equivalents):
            remaining = self.remaining()
            if remaining <= 0:
                variant["detail"] = "not run: out of time"
                finish("timeout", None, "[runner] the deadline was reached before every equivalent ran")
                return
            run = self._mutation_run(tests, self.mutation["equivalents"][variant["name"]],
                                     min(remaining / (runs_left - i), hang_seconds))  # fmt: skip
            variant["passed"] = run["status"] == "passed"
            variant["failing_tests"] = run["failing_tests"][:MAX_FAILING_TESTS]
            variant["detail"] = "all your tests passed" if variant["passed"] else f"status {run['status']}"
            lines.append(f"equivalent {variant['name']}: {'passed' if variant['passed'] else 'FAILED'}")
        if not all(v["passed"] for v in equivalents):
            failed = [v["name"] for v in equivalents if not v["passed"]]
            reference["status"] = "failed"
            reference["detail"] = (
                f"your tests fail on a rewrite of the reference that behaves the same ({', '.join(failed)}): "
                "they check how the code is written, not what it does"
            )
            for m in mutants:
                m["detail"] = "not run: your tests must pass on every equivalent rewrite first"
            finish("failed", None, f"[runner] {reference['detail']}")
            return
        cut = False
        for i, mutant in enumerate(mutants):
            left = len(mutants) - i + 1  # the mutants left and the final reference run
            remaining = self.remaining()
            if remaining <= 0:
                cut = True
                mutant["detail"] = "not run: out of time"
                continue
            timeout = min(remaining / left, hang_seconds)
            run = self._mutation_run(tests, self.mutation["mutants"][mutant["name"]], timeout)
            mutant["failing_tests"] = run["failing_tests"][:MAX_FAILING_TESTS]
            if run["status"] == "passed":
                mutant["detail"] = "all your tests passed"
            elif run["status"] == "failed":
                mutant["caught"] = True
                mutant["detail"] = f"{len(run['failing_tests'])} of {run['tests']} tests failed"
            elif run["status"] == "error":
                mutant["caught"] = True
                mutant["detail"] = "your tests could not run (an error at import or collection)"
            elif run["status"] == "memory":
                mutant["caught"] = True
                mutant["detail"] = "your tests hit the memory limit"
            elif timeout >= hang_seconds:
                mutant["caught"] = True
                mutant["detail"] = f"your tests did not finish within {hang_seconds:.0f} s"
            else:
                cut = True
                mutant["detail"] = "not finished: out of time"
            lines.append(
                f"mutant {mutant['name']}: {'caught' if mutant['caught'] else 'survived'} ({mutant['detail']})"
            )
        # The reference again: tests that pass on the same code only on the first run (files left
        # behind, order, time) cannot earn anything.
        if not cut and self.remaining() > 0:
            again = self._mutation_run(tests, {}, self.remaining())
            if again["status"] != "passed":
                reference.update(
                    status=again["status"],
                    failing_tests=again["failing_tests"][:MAX_FAILING_TESTS],
                    detail="your tests failed on the reference app when run again after the mutants "
                    "(do they depend on files left behind, order or time?)",
                )
                finish("failed", again["exit_code"], f"[runner] {reference['detail']}", again["output"])
                return
        elif not cut:
            cut = True
        if cut:
            reference["detail"] = "the deadline was reached before every mutant ran"
            finish("timeout", None, f"[runner] {reference['detail']}")
            return
        caught = sum(m["caught"] for m in mutants)
        finish("passed", 0, f"{caught} of {len(mutants)} mutants caught")


def without_test_section(output: str, name: str, index: int | None = None) -> str:
    """pytest's output as if the test called `name` (the `index`-th collected) had not run: its
    lines, its failure section, its progress character and its count in the summary go."""
    kept, skipping, seen = [], False, 0
    for line in output.splitlines(keepends=True):
        if re.match(r"^_{3,} .* _{3,}$", line.strip()) or line.startswith("="):
            skipping = name in line and line.startswith("_")
            if skipping:
                continue
        if skipping or name in line:
            continue
        progress = re.match(r"^([.FEsxX]+)(\s+\[\s*\d+%\])?\s*$", line)
        if progress and index is not None and seen <= index < seen + len(progress.group(1)):
            chars = progress.group(1)
            at = index - seen
            if chars[at] == "F":
                line = chars[:at] + chars[at + 1 :] + line[len(chars) :]
            seen += len(chars)
            index = None
        elif progress:
            seen += len(progress.group(1))
        if re.search(r"\b\d+ failed\b", line):
            line = _one_failure_less(line)
        kept.append(line)
    # Section headers left with nothing under them (FAILURES, short test summary info).
    headers = re.compile(r"^=+ (FAILURES|short test summary info) =+$")
    empty = {i for i, line in enumerate(kept[:-1]) if headers.match(line.strip()) and _is_summary(kept[i + 1])}
    return "".join(line for i, line in enumerate(kept) if i not in empty)


SUMMARY = re.compile(r"^(=*\s*)((?:\d+ \w+)(?:, \d+ \w+)*)( in .*)$")


def _is_summary(line: str) -> bool:
    return line.startswith("=") or bool(SUMMARY.match(line.strip()))


def _one_failure_less(line: str) -> str:
    """'2 failed, 3 passed in 1s' -> '1 failed, 3 passed in 1s'; '1 failed in 1s' -> 'no tests ran in 1s'."""
    match = SUMMARY.match(line.rstrip("\n"))
    if not match:
        return line
    parts = []
    for part in match.group(2).split(", "):
        count, _, word = part.partition(" ")
        if word == "failed":
            count = str(int(count) - 1)
        if count != "0":
            parts.append(f"{count} {word}")
    tail = "\n" if line.endswith("\n") else ""
    return match.group(1) + (", ".join(parts) or "no tests ran") + match.group(3) + tail


DECOY_WORDS = ("returns", "creates", "keeps", "saves", "lists", "rejects", "updates", "counts", "order", "total",
               "owner", "empty", "second", "status", "unique", "valid", "page", "detail", "item", "value")  # fmt: skip


def decoy_name() -> str:
    """A plausible, unpredictable test name for the learner-tests decoy."""
    words = [secrets.choice(DECOY_WORDS) for _ in range(3)]
    return f"test_{'_'.join(words)}_{secrets.randbelow(90) + 10}"


def remove_bytecode(root: str) -> None:
    """Delete every __pycache__ directory and .pyc file, so that no stale bytecode planted by
    learner code can stand in for a hidden test module."""
    for dirpath, dirnames, filenames in os.walk(root):
        for d in list(dirnames):
            p = os.path.join(dirpath, d)
            if d == "__pycache__" and not os.path.islink(p):
                remove_path(p)
                dirnames.remove(d)
        for f in filenames:
            if f.endswith((".pyc", ".pyo")):
                remove_path(os.path.join(dirpath, f))


def main() -> int:
    set_non_dumpable()
    # Our results go to a private duplicate of fd 1; fd 1 itself becomes /dev/null so that
    # nothing printed by accident (or inherited) can mix with the JSON lines.
    out_fd = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    os.set_inheritable(out_fd, False)
    sys.stdout = open(os.devnull, "w")
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    work = os.environ.get("ACADEMY_WORK_DIR", "/work")
    state = os.environ.get("ACADEMY_STATE_DIR", "/tmp/academy")  # noqa: S108 - the container's own tmpfs
    try:
        os.makedirs(state, mode=0o700, exist_ok=True)
    except OSError:
        pass
    os.umask(0o022)
    runner = Runner(work, state, out_fd)
    runner.run(sys.stdin.buffer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
