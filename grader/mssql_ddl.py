"""Offline T-SQL for every migration: render with mssql-django in collect-sql mode, then judge.

No SQL Server is needed, and none is contacted: `offline()` makes any attempt to open a
connection raise `LiveServerNeeded`, and the operation that tried is reported as UNVERIFIABLE
instead of passing silently. The server version is pinned (SQL Server 2022, what
docker-compose.yml runs) instead of being queried.

Each project is rendered in its own Python process with its own settings and
DATABASE_ENGINE=mssql plus dummy credentials (`render_project`), because Django settings are
process-wide. That child process loads this file by path and calls `render_main()`, so this
module imports only Django at module level: never the academy's apps, which an exercise
project knows nothing about. The hazard rules live in sandbox/runner/mssql_hazards.py (pure
standard library, shared with the grading runner).
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import json
import os
import subprocess
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

OFFLINE_SQL_SERVER_VERSION = 2022
DUMMY_CREDENTIALS = {
    "DATABASE_ENGINE": "mssql",
    "DATABASE_NAME": "offline_ddl",
    # TEST-NET-1 (RFC 5737): never routed, so even a bug here could not reach a real server.
    "DATABASE_HOST": "192.0.2.1",
    "DATABASE_PORT": "1433",
    "DATABASE_USER": "offline",
    "DATABASE_PASSWORD": "offline-not-a-secret",
}
RENDER_TIMEOUT_SECONDS = 120
HAZARDS_PATH = Path(__file__).resolve().parent.parent / "sandbox" / "runner" / "mssql_hazards.py"

# The status of one rendered operation.
RENDERED = "rendered"  # T-SQL produced without a server
NO_SQL = "no-sql"  # state only (options, managers, a no-op alter)
UNVERIFIABLE = "unverifiable"  # needs a live server, or cannot be written as SQL
FAILED = "failed"  # mssql-django refused to render it (e.g. NotSupportedError)


class LiveServerNeeded(Exception):
    """Raised instead of opening a connection while rendering offline."""


class ConnectionOpened(RuntimeError):
    """The offline guard was bypassed: a connection object exists after rendering."""


@dataclasses.dataclass
class OperationDDL:
    index: int
    description: str
    kind: str
    status: str
    statements: list[str]
    reason: str = ""


@dataclasses.dataclass
class MigrationDDL:
    app_label: str
    name: str
    operations: list[OperationDDL]
    deferred: list[str]

    @property
    def label(self) -> str:
        return f"{self.app_label}.{self.name}"


# Connection plumbing between the schema editor and the guard: not worth naming in a report.
_PLUMBING = {"cursor", "_cursor", "ensure_connection", "inner", "connect", "temporary_connection"}


def _caller_outside_guard() -> str:
    """The innermost mssql-django or Django schema function that wanted the server."""
    for frame in reversed(traceback.extract_stack()[:-3]):
        in_backend = "/mssql/" in frame.filename or "/django/db/backends/" in frame.filename
        if in_backend and frame.name not in _PLUMBING:
            return frame.name
    return "unknown"


@contextlib.contextmanager
def offline(connection) -> Iterator[None]:
    """Render with `connection` while making every attempt to reach the server fail loudly."""
    if connection.connection is not None:
        raise ConnectionOpened(f"connection {connection.alias!r} is already open; offline rendering refuses it")

    def refuse(*args, **kwargs):
        raise LiveServerNeeded(f"mssql-django reads the live schema in {_caller_outside_guard()}()")

    cls = type(connection)
    # mssql-django caches the server version per alias on the class; pin it instead of asking.
    saved = (cls._known_versions.get(connection.alias), cls._known_azures.get(connection.alias))
    cls._known_versions[connection.alias] = OFFLINE_SQL_SERVER_VERSION
    cls._known_azures[connection.alias] = False
    # On the instance, so that they win over anything patched on the class (pytest-django's
    # database blocker replaces BaseDatabaseWrapper.ensure_connection).
    connection.ensure_connection = refuse
    connection.connect = refuse
    connection.get_new_connection = refuse
    try:
        yield
    finally:
        del connection.ensure_connection, connection.connect, connection.get_new_connection
        for cache, value in zip((cls._known_versions, cls._known_azures), saved, strict=True):
            if value is None:
                cache.pop(connection.alias, None)
            else:
                cache[connection.alias] = value
        if connection.connection is not None:
            raise ConnectionOpened("a database connection was opened while rendering offline")


def offline_connection():
    """A stand-alone mssql-django connection with dummy credentials, for rendering in this process."""
    from django.db.utils import ConnectionHandler

    params = {
        "ENGINE": "mssql",
        "NAME": DUMMY_CREDENTIALS["DATABASE_NAME"],
        "HOST": DUMMY_CREDENTIALS["DATABASE_HOST"],
        "PORT": DUMMY_CREDENTIALS["DATABASE_PORT"],
        "USER": DUMMY_CREDENTIALS["DATABASE_USER"],
        "PASSWORD": DUMMY_CREDENTIALS["DATABASE_PASSWORD"],
        "OPTIONS": {"driver": "ODBC Driver 18 for SQL Server", "python_driver": "mssql_python"},
    }
    # A handler of its own: the process's `connections` (SQLite under tests) stay untouched.
    return ConnectionHandler({"default": params})["default"]


def render_migrations(connection, migrations: list, state) -> list[MigrationDDL]:
    """T-SQL of each migration, operation by operation, as Migration.apply(collect_sql=True) does.

    `state` is the ProjectState before the first migration; it is advanced in place. One
    schema editor per migration, as `sqlmigrate` uses: deferred statements (indexes and foreign
    keys) come at its end, sorted because mssql-django keeps them in a set.
    """
    rendered: list[MigrationDDL] = []
    with offline(connection):
        for migration in migrations:
            operations: list[OperationDDL] = []
            with connection.schema_editor(collect_sql=True, atomic=False) as editor:
                for index, operation in enumerate(migration.operations, start=1):
                    operations.append(_render_operation(migration, index, operation, editor, state))
                pending = len(editor.collected_sql)
            deferred = sorted(editor.collected_sql[pending:])
            rendered.append(MigrationDDL(migration.app_label, migration.name, operations, deferred))
    return rendered


def _render_operation(migration, index: int, operation, editor, state) -> OperationDDL:
    kind = type(operation).__name__
    description = operation.describe()
    if not operation.reduces_to_sql:
        # Migration.apply skips these in collect-sql mode as well (no state change either).
        return OperationDDL(index, description, kind, UNVERIFIABLE, [], "Python code cannot be rendered as SQL")
    before = len(editor.collected_sql)
    old_state = state.clone()
    operation.state_forwards(migration.app_label, state)
    try:
        operation.database_forwards(migration.app_label, editor, old_state, state)
    except LiveServerNeeded as exc:
        del editor.collected_sql[before:]  # a partial rendering would mislead
        return OperationDDL(index, description, kind, UNVERIFIABLE, [], f"needs a live server: {exc}")
    except Exception as exc:  # noqa: BLE001 (any refusal by the backend is a finding, not a crash)
        del editor.collected_sql[before:]
        return OperationDDL(index, description, kind, FAILED, [], f"{type(exc).__name__}: {exc}")
    statements = list(editor.collected_sql[before:])
    lookups = [statement for statement in statements if statement.lstrip().upper().startswith("SELECT ")]
    if lookups and kind != "RunSQL":
        # mssql-django asks the server (e.g. for a default constraint's name) and uses the answer
        # in the next statement; collected offline, that answer is a placeholder.
        return OperationDDL(
            index,
            description,
            kind,
            UNVERIFIABLE,
            statements,
            "the statements after its SELECT use that query's answer, which only a server can give",
        )
    if kind == "RunSQL":
        return OperationDDL(
            index,
            description,
            kind,
            UNVERIFIABLE,
            statements,
            "raw SQL is copied as written; only a server can parse it",
        )
    return OperationDDL(index, description, kind, RENDERED if statements else NO_SQL, statements)


def project_migrations(connection) -> tuple[list, object]:
    """Every migration on disk in dependency order, and the empty ProjectState to start from."""
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.state import ProjectState

    # connection=None: the loader must not read django_migrations from a server.
    loader = MigrationLoader(None, ignore_no_migrations=True)
    plan: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for leaf in sorted(loader.graph.leaf_nodes()):
        for key in loader.graph.forwards_plan(leaf):
            if key not in seen:
                seen.add(key)
                plan.append(key)
    migrations = [loader.graph.nodes[key] for key in plan]
    return migrations, ProjectState(real_apps=set(loader.unmigrated_apps))


def render_current_project() -> dict:
    """Render the project whose settings are loaded in this process (the child side)."""
    from django.conf import settings
    from django.db import connections

    connection = connections["default"]
    if connection.vendor != "microsoft":
        raise RuntimeError(f"DATABASE_ENGINE=mssql did not select mssql-django (engine is {connection.vendor!r})")
    migrations, state = project_migrations(connection)
    rendered = render_migrations(connection, migrations, state)
    return {
        "settings": os.environ.get("DJANGO_SETTINGS_MODULE", ""),
        "use_tz": bool(settings.USE_TZ),
        "sql_server_version": OFFLINE_SQL_SERVER_VERSION,
        "connection_opened": connection.connection is not None,
        "migrations": [dataclasses.asdict(m) for m in rendered],
    }


def render_main() -> None:
    """Entry point of the child process: JSON on stdout, nothing else."""
    import django

    django.setup()
    json.dump(render_current_project(), sys.stdout)


# --- the parent side ---------------------------------------------------------------------------

_CHILD = (
    "import importlib.util, sys; "
    "spec = importlib.util.spec_from_file_location('_academy_mssql_ddl', sys.argv[1]); "
    "module = importlib.util.module_from_spec(spec); sys.modules[spec.name] = module; "
    "spec.loader.exec_module(module); module.render_main()"
)


class RenderFailed(Exception):
    pass


def render_project(root: Path, settings_module: str, *, python: str = sys.executable) -> dict:
    """Render one Django project in a child process with DATABASE_ENGINE=mssql and dummy credentials."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "DJANGO_", "PYTHON", "ACADEMY_TEST"))
    }
    env.update(DUMMY_CREDENTIALS, DJANGO_SETTINGS_MODULE=settings_module, PYTHONPATH=str(root))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if "ACADEMY_VAR_DIR" in os.environ:
        env["ACADEMY_VAR_DIR"] = os.environ["ACADEMY_VAR_DIR"]
    try:
        completed = subprocess.run(  # noqa: S603 (our interpreter, our file, no shell)
            [python, "-c", _CHILD, str(Path(__file__).resolve())],
            cwd=root, env=env, capture_output=True, text=True, timeout=RENDER_TIMEOUT_SECONDS, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise RenderFailed(f"rendering {settings_module} took more than {RENDER_TIMEOUT_SECONDS}s") from None
    if completed.returncode != 0:
        tail = completed.stderr.strip().splitlines()[-1:] or ["(no output)"]
        raise RenderFailed(f"rendering {settings_module} failed: {tail[0]}")
    result = json.loads(completed.stdout)
    if result["connection_opened"]:
        raise RenderFailed(f"rendering {settings_module} opened a database connection")
    return result


def settings_module_of(project: Path) -> str:
    """DJANGO_SETTINGS_MODULE as the project's manage.py sets it."""
    import re

    text = (project / "manage.py").read_text()
    match = re.search(r"""DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']""", text)
    if not match:
        raise RenderFailed(f"{project / 'manage.py'} does not set DJANGO_SETTINGS_MODULE")
    return match.group(1)


def hazards_module():
    """sandbox/runner/mssql_hazards.py, loaded by path: the runner directory is not a package."""
    name = "academy_mssql_hazards"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, HAZARDS_PATH)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while being created
        spec.loader.exec_module(module)
    return sys.modules[name]


@dataclasses.dataclass
class ProjectReport:
    title: str
    root: str  # relative to the repository, for stable output
    rendered: dict | None
    findings: list
    error: str = ""

    @property
    def has_errors(self) -> bool:
        return bool(self.error) or any(f.severity == "error" for f in self.findings)


def findings_for(rendered: dict, scan_root: Path, scan_files: list[Path], rel_to: Path) -> list:
    """Every hazard of one project: its DDL in migration order, its unverifiable operations, its code."""
    hazards = hazards_module()
    tracker = hazards.SchemaTracker()
    found = []
    for migration in rendered["migrations"]:
        where = f"{migration['app_label']}.{migration['name']}"
        for operation in migration["operations"]:
            label = f"operation {operation['index']} ({operation['description']})"
            if operation["status"] == UNVERIFIABLE:
                found.append(hazards.unverifiable(where, label, operation["reason"]))
            elif operation["status"] == FAILED:
                found.append(hazards.render_failed(where, label, operation["reason"]))
            for statement in operation["statements"]:
                found += tracker.findings(statement, where=where)
        for statement in migration["deferred"]:
            found += tracker.findings(statement, where=where)
    for path in scan_files:
        found += hazards.scan_python(path.read_text(), path.relative_to(rel_to).as_posix())
    return found


def exercise_projects(curriculum: Path) -> list[Path]:
    return sorted(path for path in curriculum.glob("*/exercise/solution") if (path / "manage.py").is_file())


def report_project(
    *, title: str, root: Path, settings_module: str, scan_roots: list[Path], repo: Path
) -> ProjectReport:
    hazards = hazards_module()
    rel = root.relative_to(repo).as_posix() if root != repo else "."
    try:
        rendered = render_project(root, settings_module)
    except RenderFailed as exc:
        return ProjectReport(title, rel, None, [], str(exc))
    files = [path for scan_root in scan_roots for path in hazards.python_files(scan_root)]
    return ProjectReport(title, rel, rendered, findings_for(rendered, root, files, repo))


# --- Markdown -----------------------------------------------------------------------------------


def markdown(reports: list[ProjectReport], *, command: str) -> str:
    """The report as Markdown, deterministic so that a committed copy can be checked for staleness."""
    lines = [
        "# SQL Server DDL (rendered offline)",
        "",
        f"Generated by `{command}`. Do not edit by hand.",
        "",
        f"Rendered by mssql-django's schema editor in collect-sql mode for SQL Server "
        f"{OFFLINE_SQL_SERVER_VERSION}, without a server: no connection was opened. Operations that need a "
        "live server are listed as UNVERIFIABLE; their T-SQL is not shown because it depends on the schema "
        "found on the server. Deferred statements (indexes, foreign keys) are sorted.",
        "",
    ]
    for report in reports:
        lines += _markdown_project(report)
    return "\n".join(lines).rstrip() + "\n"


def _markdown_project(report: ProjectReport) -> list[str]:
    lines = [f"## {report.title}", "", f"Project: `{report.root}`", ""]
    if report.error:
        return [*lines, f"**Could not render:** {report.error}", ""]
    rendered = report.rendered or {}
    counts = dict.fromkeys(("error", "warning", "unverifiable"), 0)
    for finding in report.findings:
        counts[finding.severity] += 1
    lines += [
        f"Settings `{rendered['settings']}`, USE_TZ={rendered['use_tz']}. "
        f"{len(rendered['migrations'])} migrations; findings: {counts['error']} error(s), "
        f"{counts['warning']} warning(s), {counts['unverifiable']} unverifiable.",
        "",
        "### Findings",
        "",
    ]
    if report.findings:
        lines += ["| severity | where | rule | message | lesson |", "|---|---|---|---|---|"]
        for finding in report.findings:
            slug, anchor = finding.lesson
            message = finding.message.replace("|", "\\|")
            lines.append(f"| {finding.severity} | `{finding.where}` | {finding.rule} | {message} | {slug}#{anchor} |")
    else:
        lines.append("None.")
    lines += ["", "### DDL", ""]
    for migration in rendered["migrations"]:
        lines += [f"#### {migration['app_label']}.{migration['name']}", "", "```sql"]
        for operation in migration["operations"]:
            lines.append(f"-- {operation['index']}. {operation['description']} [{operation['status']}]")
            if operation["reason"]:
                lines.append(f"--    {operation['reason']}")
            lines += operation["statements"]
        if migration["deferred"]:
            lines.append("-- deferred")
            lines += migration["deferred"]
        lines += ["```", ""]
    return lines
