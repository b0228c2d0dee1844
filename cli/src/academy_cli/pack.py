"""What goes into a submission: the project, without what never belongs in one.

.gitignore support is fnmatch-level (see README): each .gitignore applies to its folder and
below; a pattern without "/" matches a name at any depth, one with "/" is anchored to the
.gitignore's folder; a trailing "/" matches folders only; "!" re-includes (the last match
wins); "**" is treated like "*". As in git, a file inside an ignored folder cannot be re-included.
"""

import dataclasses
import fnmatch
import io
import os
import tarfile
from pathlib import Path, PurePosixPath

from academy_cli.config import PROJECT_FILE

MAX_FILE_BYTES = 1024 * 1024
SKIPPED_DIRS = {
    ".venv": "a virtualenv",
    "venv": "a virtualenv",
    "__pycache__": "bytecode",
    ".git": "git history",
    ".pytest_cache": "a cache",
    ".ruff_cache": "a cache",
    ".mypy_cache": "a cache",
    "node_modules": "installed packages",
    ".idea": "editor settings",
}
SKIPPED_FILES = {"db.sqlite3": "a local database", ".DS_Store": "macOS metadata"}
SKIPPED_SUFFIXES = {".pyc": "bytecode", ".pyo": "bytecode"}


@dataclasses.dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclasses.dataclass
class Packed:
    files: dict[str, bytes]
    executable: set[str]
    skipped: list[Skipped]

    def tar_gz(self, prefix: str = "") -> bytes:
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
            for name, data in sorted(self.files.items()):
                info = tarfile.TarInfo(prefix + name)
                info.size, info.mtime = len(data), 0
                info.mode = 0o755 if name in self.executable else 0o644
                archive.addfile(info, io.BytesIO(data))
        return buffer.getvalue()


@dataclasses.dataclass(frozen=True)
class Rule:
    base: PurePosixPath  # the folder of the .gitignore, relative to the project
    pattern: str
    negate: bool
    dir_only: bool
    anchored: bool

    def matches(self, rel: PurePosixPath, is_dir: bool) -> bool:
        if self.dir_only and not is_dir:
            return False
        try:
            inner = rel.relative_to(self.base) if self.base.parts else rel
        except ValueError:
            return False
        if self.anchored:
            return fnmatch.fnmatchcase(inner.as_posix(), self.pattern)
        return fnmatch.fnmatchcase(inner.name, self.pattern)


def gitignore_rules(path: Path, base: PurePosixPath) -> list[Rule]:
    rules = []
    for line in path.read_text(errors="replace").splitlines():
        line = line.rstrip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        line = line[1:] if negate else line
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        anchored = "/" in line
        line = line.lstrip("/").replace("**/", "").replace("/**", "/*").replace("**", "*")
        if line:
            rules.append(Rule(base, line, negate, dir_only, anchored))
    return rules


def ignored(rules: list[Rule], rel: PurePosixPath, is_dir: bool) -> bool:
    verdict = False
    for rule in rules:
        if rule.matches(rel, is_dir):
            verdict = not rule.negate
    return verdict


def pack(root: Path) -> Packed:
    """Read the project under `root`, skipping what does not belong, and say why for each."""
    packed = Packed(files={}, executable=set(), skipped=[])
    rules: list[Rule] = []
    for current, dirs, files in os.walk(root):
        here = Path(current)
        rel_dir = PurePosixPath(here.relative_to(root).as_posix()) if here != root else PurePosixPath()
        if (here / ".gitignore").is_file():
            rules = rules + gitignore_rules(here / ".gitignore", rel_dir)
        kept = []
        for name in sorted(dirs):
            rel = rel_dir / name
            if name in SKIPPED_DIRS:
                packed.skipped.append(Skipped(f"{rel}/", SKIPPED_DIRS[name]))
            elif (here / name).is_symlink():
                packed.skipped.append(Skipped(f"{rel}/", "a symbolic link"))
            elif ignored(rules, rel, is_dir=True):
                packed.skipped.append(Skipped(f"{rel}/", "listed in .gitignore"))
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            rel, path = rel_dir / name, here / name
            reason = None
            if name == PROJECT_FILE and rel_dir == PurePosixPath():
                continue  # the CLI's own marker, not part of the project
            if name in SKIPPED_FILES:
                reason = SKIPPED_FILES[name]
            elif path.suffix in SKIPPED_SUFFIXES:
                reason = SKIPPED_SUFFIXES[path.suffix]
            elif path.is_symlink() or not path.is_file():
                reason = "a symbolic link or special file"
            elif ignored(rules, rel, is_dir=False):
                reason = "listed in .gitignore"
            elif path.stat().st_size > MAX_FILE_BYTES:
                reason = f"larger than 1 MiB ({path.stat().st_size // 1024} KiB)"
            if reason:
                packed.skipped.append(Skipped(str(rel), reason))
                continue
            packed.files[rel.as_posix()] = path.read_bytes()
            if os.access(path, os.X_OK):
                packed.executable.add(rel.as_posix())
    return packed
