"""The mssql_lint stage's child: ``python -I -B /opt/runner/mssql_check.py`` in the project root.

Renders the T-SQL DDL of every migration of the learner's project with mssql-django's schema
editor in collect-sql mode, judges it with the rules of mssql_hazards.py, scans the learner's
Python files for the 2100-parameter limit, and prints one JSON object on its standard output:

    {"findings": [{"rule", "severity", "path", "line", "message", "lesson", "anchor"}, ...],
     "migrations": N, "connection_opened": false}

No SQL Server is needed and none is contacted: the runner sets DATABASE_ENGINE=mssql with
dummy DATABASE_* values (a TEST-NET address), the server version is pinned, and every attempt to
open a connection raises LiveServerNeeded: the operation that tried is reported as
"unverifiable", never passed silently. The same approach as grader/mssql_ddl.py on the host
(this file is self-contained: the image holds only /opt/runner and /opt/venv).

Findings are kept only for migrations whose file lies inside the project (the learner's own);
Django's and third-party apps' migrations are rendered for the schema state, not judged.
Learner code runs in this process (settings, models, migrations), so the runner re-checks and
caps everything printed here.
"""

from __future__ import annotations

import json
import os
import sys
import traceback

RUNNER_DIR = os.path.dirname(os.path.abspath(__file__))
OFFLINE_SQL_SERVER_VERSION = 2022
MAX_SCAN_BYTES = 1024 * 1024  # larger .py files are not scanned

# Connection plumbing between the schema editor and the guard: not worth naming.
_PLUMBING = {"cursor", "_cursor", "ensure_connection", "inner", "connect", "temporary_connection", "refuse"}


class LiveServerNeeded(Exception):
    """Raised instead of opening a connection."""


def _caller() -> str:
    for frame in reversed(traceback.extract_stack()[:-2]):
        in_backend = "/mssql/" in frame.filename or "/django/db/backends/" in frame.filename
        if in_backend and frame.name not in _PLUMBING:
            return frame.name
    return "unknown"


def guard(connection) -> None:
    """Pin the server version and make every attempt to reach the server fail loudly."""
    if connection.connection is not None:
        raise RuntimeError("a database connection is already open")

    def refuse(*args, **kwargs):
        raise LiveServerNeeded(f"mssql-django reads the live schema in {_caller()}()")

    cls = type(connection)
    cls._known_versions[connection.alias] = OFFLINE_SQL_SERVER_VERSION
    cls._known_azures[connection.alias] = False
    connection.ensure_connection = refuse
    connection.connect = refuse
    connection.get_new_connection = refuse


def render_operation(migration, index, operation, editor, state, hazards, tracker, where):
    """Render one operation into the collecting editor; return its findings."""
    label = f"operation {index} ({operation.describe()})"
    if not operation.reduces_to_sql:
        return [hazards.unverifiable(where, label, "Python code cannot be rendered as SQL")]
    before = len(editor.collected_sql)
    old_state = state.clone()
    operation.state_forwards(migration.app_label, state)
    try:
        operation.database_forwards(migration.app_label, editor, old_state, state)
    except LiveServerNeeded as exc:
        del editor.collected_sql[before:]
        return [hazards.unverifiable(where, label, f"needs a live server: {exc}")]
    except Exception as exc:  # noqa: BLE001 - a refusal by the backend is a finding
        del editor.collected_sql[before:]
        return [hazards.render_failed(where, label, f"{type(exc).__name__}: {exc}")]
    statements = list(editor.collected_sql[before:])
    kind = type(operation).__name__
    found = []
    for statement in statements:
        found += tracker.findings(statement, where=where)
    if kind == "RunSQL":
        found.append(hazards.unverifiable(where, label, "raw SQL is copied as written; only a server can parse it"))
    elif any(s.lstrip().upper().startswith("SELECT ") for s in statements):
        found.append(
            hazards.unverifiable(
                where, label, "the statements after its SELECT use that query's answer, which only a server can give"
            )
        )
    return found


def migration_path(migration, root: str) -> str | None:
    """The migration's file relative to the project root, or None when it is not the learner's."""
    module = sys.modules.get(type(migration).__module__)
    filename = getattr(module, "__file__", None)
    if not filename:
        return None
    real = os.path.realpath(filename)
    if not real.startswith(root + os.sep):
        return None
    return os.path.relpath(real, root).replace(os.sep, "/")


def render(root: str, hazards) -> tuple[list[dict], int, bool]:
    import django
    from django.db import connections
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.state import ProjectState

    django.setup()
    connection = connections["default"]
    if connection.vendor != "microsoft":
        raise RuntimeError(
            f"with DATABASE_ENGINE=mssql the settings must select mssql-django (the engine is {connection.vendor!r})"
        )
    guard(connection)
    loader = MigrationLoader(None, ignore_no_migrations=True)  # never reads django_migrations
    plan, seen = [], set()
    for leaf in sorted(loader.graph.leaf_nodes()):
        for key in loader.graph.forwards_plan(leaf):
            if key not in seen:
                seen.add(key)
                plan.append(key)
    state = ProjectState(real_apps=set(loader.unmigrated_apps))
    tracker = hazards.SchemaTracker()
    findings: list[dict] = []
    for key in plan:
        migration = loader.graph.nodes[key]
        path = migration_path(migration, root)
        where = path or f"{migration.app_label}.{migration.name}"
        found = []
        with connection.schema_editor(collect_sql=True, atomic=False) as editor:
            for index, operation in enumerate(migration.operations, start=1):
                found += render_operation(migration, index, operation, editor, state, hazards, tracker, where)
            pending = len(editor.collected_sql)
        for statement in sorted(editor.collected_sql[pending:]):  # deferred: indexes, foreign keys
            found += tracker.findings(statement, where=where)
        if path is not None:
            findings += [finding_dict(f, path, None) for f in found]
    return findings, len(plan), connection.connection is not None


def finding_dict(finding, path: str, line: int | None) -> dict:
    data = finding.as_dict()
    data.pop("where")
    data.update(path=path, line=line)
    return data


def scan(root: str, hazards) -> list[dict]:
    from pathlib import Path

    findings = []
    for path in hazards.python_files(Path(root)):
        try:
            if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_SCAN_BYTES:
                continue
            source = path.read_text(encoding="utf-8", errors="replace")
            rel = path.relative_to(root).as_posix()
            found = hazards.scan_python(source, rel)
        except (OSError, ValueError, RecursionError, MemoryError):
            continue
        for finding in found:
            file, _, line = finding.where.rpartition(":")
            findings.append(finding_dict(finding, file, int(line)))
    return findings


def main() -> int:
    # Our JSON goes to a private copy of fd 1; fd 1 itself becomes stderr, so that anything the
    # project prints while it is imported ends up in the stage output, not in our result.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    root = os.path.realpath(os.getcwd())
    sys.path.insert(0, RUNNER_DIR)
    sys.path.append(root)  # last: project modules cannot shadow the standard library or Django
    import mssql_hazards as hazards

    findings, count, opened = render(root, hazards)
    findings += scan(root, hazards)
    json.dump({"findings": findings, "migrations": count, "connection_opened": opened}, out)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
