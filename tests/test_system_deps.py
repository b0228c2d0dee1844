"""Every external program that the scripts and the tests start is installed by scripts/system-deps.sh.

A fresh Debian machine has only its base system and Python. `make run` and `make test` call
`scripts/system-deps.sh run|test`, whose `need PROGRAM PACKAGE… MODE` lines are the one list of
what it installs. This test finds the programs the project starts, from its shell scripts, its
Makefile and its Python code, and fails when one is neither on a bare machine nor in that list
for the right mode. It caught docker-compose, which the compose smoke test ran but nothing
installed.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPS = ROOT / "scripts" / "system-deps.sh"

# On a bare Debian 12 machine with Python before anything is installed: the base system
# (coreutils, findutils, grep, sed, tar, gzip, procps…), git and the Python toolchain.
_BASE = """
    bash sh env test true false echo printf cat cp mv rm mkdir rmdir ln ls chmod chown touch head tail
    sort uniq cut tr wc tee xargs find grep sed awk mktemp dirname basename readlink realpath
    sha256sum id seq sleep date tar gzip kill pkill pgrep ps nohup sudo apt-get dpkg
    python3 python pip git make
"""
BASE = set(_BASE.split())
# Shell words that start no program.
_SHELL_WORDS = """
    if then else elif fi for while until do done case esac in function return exit local export set shift
    source . trap wait cd pwd read mapfile declare unset break continue eval exec command type time ! [ [[ ]] { }
"""
SHELL_WORDS = set(_SHELL_WORDS.split())
# The scripts behind `make run`: their programs must be installed in mode "run" already.
RUN_SCRIPTS = {"scripts/run.sh", "scripts/lib/images.sh", "sandbox/build.sh", "sandbox/build-base.sh"}
SKIP_DIRS = {".git", ".venv", "var", "node_modules", "__pycache__", "curriculum", ".wheelhouse"}


def needs() -> dict[str, str]:
    """program -> the mode ("run" or "test") in which system-deps.sh installs it."""
    found = {}
    for line in DEPS.read_text().splitlines():
        words = line.split()
        if len(words) >= 4 and words[0] == "need":
            found[words[1]] = words[-1]
    return found


def project_files(pattern: str):
    for path in sorted(ROOT.rglob(pattern)):
        if not SKIP_DIRS.intersection(path.relative_to(ROOT).parts):
            yield path


def shell_functions(text: str) -> set[str]:
    return set(re.findall(r"^\s*([A-Za-z_][\w-]*)\s*\(\)\s*\{", text, re.M))


def shell_programs(text: str, functions: frozenset[str] = frozenset()) -> set[str]:
    """The first word of every simple command, less shell words, functions and variables."""
    functions = functions | shell_functions(text)
    programs = set()
    for raw in text.replace("\\\n", " ").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        programs.update(re.findall(r"command -v ([\w.-]+)", line))
        line = re.sub(r"'[^']*'", "''", line)
        # A quoted string starts nothing, except the commands substituted inside it.
        line = re.sub(r'"[^"]*"', lambda m: "; ".join(re.findall(r"\$\([^()]*\)", m.group())) or '""', line)
        for part in re.split(r"\|\||&&|[;|(`]|\$\(|\bthen\b|\bdo\b|\belse\b", line):
            words = [w for w in part.split() if not re.match(r"^[A-Za-z_]\w*=", w)]
            while words and words[0] in {"!", "if", "while", "until", "nohup", "sudo", "as_root", "time", "exec"}:
                words = words[1:]
            if not words:
                continue
            word = words[0].rstrip(")")
            if re.fullmatch(r"[a-z][\w.+-]*", word) and word not in SHELL_WORDS and word not in functions:
                programs.add(word)
    return programs


def makefile_programs(text: str) -> set[str]:
    recipes = "\n".join(line[1:] for line in text.splitlines() if line.startswith("\t"))
    return {p for p in shell_programs(recipes) if not p.startswith("$")}


def python_programs(text: str) -> set[str]:
    """shutil.which("x"), "/usr/bin/x" literals, and the literal program of subprocess calls."""
    programs = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = re.fullmatch(r"/usr/s?bin/([\w.+-]+)", node.value)
            if match:
                programs.add(match.group(1))
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = ast.unparse(node.func)
        first = node.args[0]
        if name == "shutil.which" and isinstance(first, ast.Constant):
            programs.add(first.value)
        elif name.startswith("subprocess.") and isinstance(first, ast.List) and first.elts:
            head = first.elts[0]
            if isinstance(head, ast.Constant) and isinstance(head.value, str):
                programs.add(Path(head.value).name)
    return programs


def started_programs() -> dict[str, str]:
    """program -> the mode that needs it ("run" wins over "test")."""
    found: dict[str, str] = {}

    def add(programs: set[str], mode: str) -> None:
        for program in programs:
            if found.get(program) != "run":
                found[program] = mode

    scripts = [*project_files("*.sh"), ROOT / ".ci" / "run"]
    functions = frozenset().union(*(shell_functions(path.read_text()) for path in scripts))  # sourced libraries
    for path in scripts:
        rel = path.relative_to(ROOT).as_posix()
        if rel != "scripts/system-deps.sh":
            add(shell_programs(path.read_text(), functions), "run" if rel in RUN_SCRIPTS else "test")
    add(makefile_programs((ROOT / "Makefile").read_text()), "test")
    for path in project_files("*.py"):
        add(python_programs(path.read_text()), "test")
    return found


def test_every_started_program_is_installed_for_its_mode():
    installed = needs()
    missing = {
        program: mode
        for program, mode in started_programs().items()
        if program not in BASE and (program not in installed or (mode == "run" and installed[program] != "run"))
    }
    assert missing == {}, f"add `need PROGRAM PACKAGE MODE` lines to scripts/system-deps.sh for {missing}"


def test_the_scan_finds_the_programs_we_know_the_suite_starts():
    # The scan itself must see what it is meant to guard: these are started today.
    started = started_programs()
    assert {p: started.get(p) for p in ("docker", "debootstrap", "chromium", "docker-compose", "make")} == {
        "docker": "run",
        "debootstrap": "run",
        "chromium": "test",
        "docker-compose": "test",
        "make": "test",
    }


def test_the_list_covers_what_the_tests_need():
    assert needs() == {
        "dockerd": "run",
        "docker": "run",
        "runsc": "run",
        "debootstrap": "run",
        "docker-compose": "test",
        "redis-server": "test",
        "redis-cli": "test",
        "chromium": "test",
        "isql": "test",
    }


def test_a_program_missing_from_the_list_is_reported():
    text = 'import subprocess\nsubprocess.run(["/usr/bin/frobnicate", "-x"])\n'
    assert python_programs(text) == {"frobnicate"}
    assert shell_programs("set -e\nfoo=1 zap --flag | grep x && frob2 || true\n") == {"zap", "grep", "frob2", "true"}
