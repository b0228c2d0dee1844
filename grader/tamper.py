"""Signs that a submission's code reaches for the grader's own machinery.

The hidden tests import the learner's application code into the pytest process that reports
their results, so that code could rewrite the report. No scan inside or outside that process can
rule this out. This one reads the source statically for the usual ways in, and the grader flags
the submission for an instructor's review. It changes no score: a sign can be innocent, and
obfuscated code passes it.
"""

import ast
import dataclasses
from collections.abc import Iterable

from exercises.archive import Member
from exercises.curriculum import is_test_path

# Modules that only pytest's own machinery has a reason to import.
PYTEST_INTERNALS = {"_pytest", "pluggy", "academy_report", "run_pytest"}
# Names of the runner's report channel (sandbox/runner/runner.py, academy_report.py).
REPORT_NAMES = ("ACADEMY_REPORT_PATH", "ACADEMY_CURRENT_TEST_PATH", "academy_report")
# (module, attribute) pairs that end a process without pytest's report, or reach into the frames
# and objects of the code that called this one.
ATTRIBUTES = {
    ("os", "_exit"): "ends the process with os._exit",
    ("posix", "_exit"): "ends the process with os._exit",
    ("sys", "_getframe"): "walks the call stack with sys._getframe",
    ("gc", "get_objects"): "searches live objects with gc.get_objects",
    ("gc", "get_referrers"): "searches live objects with gc.get_referrers",
}
MAX_SIGNS = 20


@dataclasses.dataclass(frozen=True)
class Sign:
    path: str
    line: int
    text: str

    def as_note(self) -> dict:
        return {"path": self.path, "line": self.line, "text": self.text}


def _module_sign(name: str) -> str | None:
    root = name.split(".")[0]
    return f"imports {root}, pytest's own machinery" if root in PYTEST_INTERNALS else None


def _node_sign(node: ast.AST) -> str | None:
    if isinstance(node, ast.Import):
        return next(filter(None, (_module_sign(alias.name) for alias in node.names)), None)
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        if node.module in ("os", "posix") and any(alias.name == "_exit" for alias in node.names):
            return ATTRIBUTES["os", "_exit"]
        return _module_sign(node.module)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return ATTRIBUTES.get((node.value.id, node.attr))
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        # Dynamic imports and getattr by name: __import__("_pytest"), getattr(os, "_exit").
        if any(name in node.value for name in REPORT_NAMES):
            return "names the grader's report channel"
        if node.value == "_exit":
            return ATTRIBUTES["os", "_exit"]
        return _module_sign(node.value) if node.value.isidentifier() or "." in node.value else None
    return None


def tamper_signs(members: Iterable[Member]) -> list[Sign]:
    """Signs in the submission's application code (its own tests are not run with the hidden
    tests), in path and line order. Files that do not parse are left to the test stages."""
    signs = []
    for member in sorted(members, key=lambda m: m.path):
        if not member.path.endswith(".py") or is_test_path(member.path):
            continue
        try:
            tree = ast.parse(member.data, filename=member.path)
        except (SyntaxError, ValueError):
            continue
        found = {(node.lineno, text) for node in ast.walk(tree) if (text := _node_sign(node))}
        signs.extend(Sign(member.path, line, text) for line, text in sorted(found))
    return signs[:MAX_SIGNS]


def flag_reason(signs: list[Sign]) -> str:
    """One line for the submission's flag: the first signs with where they are."""
    more = f"; and {len(signs) - 3} more" if len(signs) > 3 else ""
    return "Learner code " + "; ".join(f"{s.text} ({s.path}:{s.line})" for s in signs[:3]) + more + "."
