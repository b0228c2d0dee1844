"""Which files of a learner's project are theirs to test with: the one copy of this rule.

The runner loads this file by path inside the grading image; the site (exercises.curriculum)
loads the same file by path on the host. Standard library only, no imports at all.
"""

# pytest's configuration files, when they sit at the project root.
TEST_CONFIG_FILES = ("pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini")


def is_test_path(rel: str) -> bool:
    """Is this project-relative path one of the learner's test files? Any file under a directory
    named `tests`; test_*.py, *_test.py, tests.py and conftest.py anywhere; and the pytest
    configuration files at the root."""
    parts = rel.split("/")
    name = parts[-1]
    if len(parts) == 1 and name in TEST_CONFIG_FILES:
        return True
    if "tests" in parts[:-1]:
        return True
    return name.endswith(".py") and (
        name.startswith("test_") or name.endswith("_test.py") or name in ("tests.py", "conftest.py")
    )
