"""Hidden checks: requirements pinned exactly, minimal, justified, and dev tools kept apart."""

import re
from importlib import metadata
from pathlib import Path

from django.conf import settings
from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

PROJECT = Path(settings.BASE_DIR)
# The release lines the project is supported on, and the oldest patch release accepted on each:
# a later patch release of the same line (Django 5.2.20, ...) is just as right.
RUNTIME = {"django": "5.2.19", "mssql-django": "2.0.0"}
DEV_TOOLS = {"pytest": "9.2.0", "pytest-django": "4.14.0", "ruff": "0.17.6"}
IMPORT_NAMES = {"django-extensions": "django_extensions", "python-dotenv": "dotenv", "whitenoise": "whitenoise"}


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def parse(path):
    """[(line number, raw line, name, specifier, justified)] for each requirement of a file."""
    entries = []
    previous_comment = False
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line:
            previous_comment = False
            continue
        if line.startswith("#"):
            previous_comment = True
            continue
        if line.startswith("-"):
            previous_comment = False
            continue
        requirement, _, comment = line.partition(" #")
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)$", requirement.strip())
        name, spec = (canonical(match.group(1)), match.group(3).strip()) if match else (line, "")
        entries.append((number, raw, name, spec, previous_comment or bool(comment.strip())))
        previous_comment = False
    return entries


def dependency_closure(names):
    """Every package the given ones depend on, directly or not (extras left out), from the installed metadata."""
    seen, todo = set(), list(names)
    while todo:
        try:
            requires = metadata.requires(todo.pop()) or []
        except metadata.PackageNotFoundError:
            continue
        for text in requires:
            try:
                requirement = Requirement(text)
            except InvalidRequirement:
                continue
            if requirement.marker is not None and "extra" in str(requirement.marker):
                continue
            name = canonical(requirement.name)
            if name not in seen:
                seen.add(name)
                todo.append(name)
    return seen - set(names)


# Pinning these too is what the lesson recommends (pip-compile writes them): they are not "unused".
TRANSITIVE = dependency_closure(list(RUNTIME))


def supported(name, spec):
    """True for ==X.Y.Z on the release line of RUNTIME[name], at or after its patch release."""
    match = re.fullmatch(r"==\s*(\d+)\.(\d+)\.(\d+)", spec or "")
    minimum = tuple(int(part) for part in RUNTIME[name].split("."))
    return bool(match) and tuple(int(part) for part in match.groups())[:2] == minimum[:2] and (
        tuple(int(part) for part in match.groups()) >= minimum
    )


def exact(spec):
    """True for one exact version: ==1.2.3, ==2026.10.19.post1, ==3.0rc1; not ==1.*, >=, ~= or a range."""
    if not re.fullmatch(r"==\s*[0-9][0-9A-Za-z.+!-]*", spec):
        return False
    try:
        Version(spec[2:].strip())
    except InvalidVersion:
        return False
    return True


def files():
    found = [PROJECT / "requirements.txt"]
    found += sorted(p for p in PROJECT.glob("requirements*.txt") if p.name != "requirements.txt")
    return [p for p in found if p.exists()]


def test_every_requirement_is_pinned_exactly():
    loose = []
    for path in files():
        for number, raw, _, spec, _ in parse(path):
            if not exact(spec):
                loose.append(f"{path.name}:{number}: {raw.strip()}")
    assert files() and not loose, (
        "Every requirement must be pinned to one exact version (name==1.2.3), so that laptops, CI, the grader "
        "and production install the same code. Not pinned:\n" + "\n".join(loose)
    )


def test_no_unused_runtime_packages():
    names = {name for _, _, name, _, _ in parse(PROJECT / "requirements.txt")}
    unused = sorted(names - set(RUNTIME) - set(DEV_TOOLS) - TRANSITIVE)
    sources = " ".join(p.read_text() for p in PROJECT.rglob("*.py") if "tests_hidden" not in p.parts)
    notes = [
        f"{name} (never imported)"
        if not re.search(rf"\b{IMPORT_NAMES.get(name, name.replace('-', '_'))}\b", sources)
        else name
        for name in unused
    ]
    assert not unused, (
        "requirements.txt lists packages the project does not use: " + ", ".join(notes) + ". Every package is code "
        "you run, audit and update: remove what the project does not need (Django does the rest). Pinning the "
        "dependencies of Django and mssql-django (asgiref, sqlparse, ...) is fine."
    )
    missing = sorted(set(RUNTIME) - names)
    assert not missing, f"requirements.txt must still list the runtime packages the project needs: {missing}."


def test_dev_tools_are_separate():
    runtime = {name for _, _, name, _, _ in parse(PROJECT / "requirements.txt")}
    in_runtime = sorted(runtime & set(DEV_TOOLS))
    assert not in_runtime, (
        f"requirements.txt (what production installs) lists the development tools {in_runtime}. Keep them in "
        "requirements-dev.txt, which starts with `-r requirements.txt`."
    )
    dev = PROJECT / "requirements-dev.txt"
    assert dev.exists(), "Add requirements-dev.txt for the test and lint tools."
    lines = [line.strip() for line in dev.read_text().splitlines()]
    assert "-r requirements.txt" in lines, "requirements-dev.txt must include the runtime list: `-r requirements.txt`."
    pinned = {name: spec for _, _, name, spec, _ in parse(dev)}
    wrong = {tool: pinned.get(tool) for tool, version in DEV_TOOLS.items() if pinned.get(tool) != f"=={version}"}
    assert not wrong, f"requirements-dev.txt must pin the tools the course uses ({DEV_TOOLS}); got {wrong}."


def test_pins_are_the_supported_releases():
    pinned = {name: spec for _, _, name, spec, _ in parse(PROJECT / "requirements.txt")}
    wrong = {name: pinned.get(name) for name in RUNTIME if not supported(name, pinned.get(name))}
    lines = ", ".join(f"{name} {version} or a later {version.rsplit('.', 1)[0]}.x" for name, version in RUNTIME.items())
    assert not wrong, (
        f"Pin the runtime packages to the release lines the project runs on and is supported with ({lines}); got "
        f"{wrong}. Django 5.2 is the LTS line: take its latest patch release, which carries the security fixes."
    )


def test_each_package_is_justified():
    unexplained = [
        f"requirements.txt:{number}: {raw.strip()}"
        for number, raw, name, _, justified in parse(PROJECT / "requirements.txt")
        if not justified and name not in TRANSITIVE
    ]
    assert not unexplained, (
        "Write down why each runtime package is there, in a comment on the line or just above it, so the next "
        "person can remove it when the reason goes away. Unexplained:\n" + "\n".join(unexplained)
    )
