"""The repository's own layout rules, checked so that they cannot drift silently."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Learner projects and fixtures carry tests of their own, run inside the sandbox, not here.
NOT_OURS = {".venv", "curriculum", "var", "fixtures", "node_modules", ".git"}


def test_every_test_module_is_under_a_configured_testpath():
    testpaths = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["testpaths"]
    modules = [
        path.relative_to(ROOT)
        for path in ROOT.rglob("test_*.py")
        if not NOT_OURS.intersection(path.relative_to(ROOT).parts)
    ]
    left_out = [str(m) for m in modules if not any(m.is_relative_to(p) for p in testpaths)]
    assert len(modules) > 25  # the scan found the suite: an empty scan would pass vacuously
    assert left_out == []
