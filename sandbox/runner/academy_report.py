"""pytest plugin loaded by the grading runner with ``-p academy_report``.

It appends one JSON object per line to the file named by ``ACADEMY_REPORT_PATH``:

    {"kind": "test", "id": NODEID, "outcome": "passed|failed|error|skipped",
     "message": "...", "duration_ms": 12}
    {"kind": "collect_error", "path": "shop/models.py", "line": 12, "message": "SyntaxError: ..."}
    {"kind": "session_finish", "exitstatus": 0}

With ``ACADEMY_DECOY_NAME`` set (the learner-tests stage), it adds one test of that name to a
module of the learner's suite, where the suite's own hooks and patches apply to it as to any
other test. Its only correct outcome is a failure: a suite that reports it passed has had its
outcomes rewritten (a conftest.py hook or a patch of pytest), and the runner says so.

It also writes the node id of the test that is running into ``ACADEMY_CURRENT_TEST_PATH``
(emptied when it finishes), so that the runner can name the test that ran out of time.
Lines are flushed as tests finish: a stage killed half way still reports what finished.
The plugin only uses the standard library and pytest's public hooks.
"""

from __future__ import annotations

import json
import os
import traceback

MESSAGE_LIMIT = 4096

_state = {"reports": {}, "durations": {}}


def _cap(text: str, limit: int = MESSAGE_LIMIT) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 3] + "..."


def _append(obj: dict) -> None:
    path = os.environ.get("ACADEMY_REPORT_PATH")
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
    except OSError:
        pass


def _set_current(nodeid: str) -> None:
    path = os.environ.get("ACADEMY_CURRENT_TEST_PATH")
    if not path:
        return
    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(nodeid)
    except OSError:
        pass


def _root() -> str:
    return os.environ.get("ACADEMY_PROJECT_ROOT") or os.getcwd()


def _short_message(report) -> str:
    """A short description of a failure: pytest's crash line, else the tail of the repr."""
    longrepr = report.longrepr
    if longrepr is None:
        return ""
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # skip: (path, line, reason)
        return str(longrepr[2])
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None and getattr(crash, "message", None):
        return str(crash.message)
    text = str(longrepr)
    return text[-MESSAGE_LIMIT:]


def collection_error_from_exception(exc: BaseException, root: str) -> dict:
    """Path (relative to root), line and message of the learner code that failed to import."""
    original = exc
    # pytest wraps import/syntax errors of test modules in its CollectError "from" the original.
    if type(exc).__name__ == "CollectError" and exc.__cause__ is not None:
        original = exc.__cause__
    root = os.path.realpath(root)
    path = None
    line = None
    if isinstance(original, SyntaxError) and original.filename:
        path, line = original.filename, original.lineno
    else:
        for frame in reversed(traceback.extract_tb(original.__traceback__)):
            fname = os.path.realpath(frame.filename) if frame.filename else ""
            if fname.startswith(root + os.sep) and "site-packages" not in fname:
                path, line = fname, frame.lineno
                break
    if path is not None:
        real = os.path.realpath(path)
        path = os.path.relpath(real, root) if real.startswith(root + os.sep) else None
    if isinstance(original, SyntaxError):
        message = f"{type(original).__name__}: {original.msg}"
    elif original is exc and type(exc).__name__ == "CollectError":
        message = str(exc).strip().splitlines()[-1] if str(exc).strip() else "collection error"
    else:
        first = str(original).strip().splitlines()
        message = type(original).__name__ + (": " + first[0] if first else "")
    return {"path": path, "line": line, "message": _cap(message)}


def pytest_exception_interact(node, call, report):
    if report.__class__.__name__ != "CollectReport":
        return
    excinfo = getattr(call, "excinfo", None)
    if excinfo is None:
        return
    try:
        entry = collection_error_from_exception(excinfo.value, _root())
    except Exception as err:  # never let the plugin break the run
        entry = {"path": None, "line": None, "message": _cap(f"{type(err).__name__}: {err}")}
    nodeid = getattr(report, "nodeid", "") or ""
    if entry["path"] is None:
        entry["path"] = nodeid.split("::")[0] or None
    entry["kind"] = "collect_error"
    _state.setdefault("seen_collect", set()).add(nodeid)
    _append(entry)


def pytest_collectreport(report):
    # A failed collector that did not go through pytest_exception_interact: report its text.
    if not report.failed or report.nodeid in _state.get("seen_collect", set()):
        return
    lines = [ln for ln in str(report.longrepr or "").splitlines() if ln.strip()]
    errors = [ln[1:].strip() for ln in lines if ln.startswith("E ")]
    message = errors[-1] if errors else (lines[-1].strip() if lines else "collection error")
    _append(
        {
            "kind": "collect_error",
            "path": report.nodeid.split("::")[0] or None,
            "line": None,
            "message": _cap(message),
        }
    )


def _decoy_body():
    expected = [1, 2, 3]
    found = [1, 2]
    assert found == expected  # noqa: S101


def pytest_collection_modifyitems(session, config, items):
    name = os.environ.get("ACADEMY_DECOY_NAME")
    if not name or not items:
        return
    import pytest

    parent = items[len(items) // 2].getparent(pytest.Module) or items[0].getparent(pytest.Module)
    if parent is None:
        return
    decoy = pytest.Function.from_parent(parent, name=name, callobj=_decoy_body)
    items.insert(len(items) // 2, decoy)


def pytest_runtest_logstart(nodeid, location):
    _set_current(nodeid)
    _state["reports"][nodeid] = []


def pytest_runtest_logreport(report):
    _state["reports"].setdefault(report.nodeid, []).append(report)


def pytest_runtest_logfinish(nodeid, location):
    reports = _state["reports"].pop(nodeid, [])
    outcome = "passed"
    message = ""
    duration = 0.0
    for rep in reports:
        duration += getattr(rep, "duration", 0.0) or 0.0
        if rep.failed:
            if rep.when == "call":
                if outcome != "error":
                    outcome = "failed"
                    message = _short_message(rep)
            else:  # setup or teardown
                outcome = "error"
                message = f"error in {rep.when}: " + _short_message(rep)
        elif rep.skipped and outcome == "passed":
            outcome = "skipped"
            if hasattr(rep, "wasxfail"):
                message = "xfail: " + str(rep.wasxfail or "")
            else:
                message = _short_message(rep)
    if not reports:
        outcome = "error"
        message = "no report"
    _append(
        {
            "kind": "test",
            "id": nodeid,
            "outcome": outcome,
            "message": _cap(message),
            "duration_ms": int(round(duration * 1000)),
        }
    )
    _set_current("")


def pytest_sessionfinish(session, exitstatus):
    _append({"kind": "session_finish", "exitstatus": int(exitstatus)})
