"""Reading untrusted submission archives (.zip, .tar.gz) without trusting anything in them.

Every limit is checked while reading: uncompressed bytes are counted as they are
decompressed, so a zip bomb stops at the cap instead of filling memory or disk. Nothing is
ever written to disk here; the caller gets the members in memory.
"""

import dataclasses
import io
import stat
import tarfile
import zipfile
import zlib
from pathlib import PurePosixPath

MAX_COMPRESSED_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 20 * 1024 * 1024
MAX_FILES = 1000
MAX_DEPTH = 12
MAX_NAME_LENGTH = 100  # one path component
MAX_PATH_LENGTH = 300
CHUNK = 64 * 1024

# Build and editor junk that learners zip by accident: skipped, not refused.
SKIPPED_PARTS = {"__pycache__", ".git", ".venv", "venv", ".pytest_cache", ".ruff_cache", ".mypy_cache", ".idea"}
SKIPPED_SUFFIXES = {".pyc", ".pyo"}
SKIPPED_NAMES = {".DS_Store", "Thumbs.db", "db.sqlite3"}


class ArchiveRejected(Exception):
    """The archive is refused; the message is written for the learner."""


@dataclasses.dataclass(frozen=True)
class Member:
    path: str  # relative POSIX path, checked
    data: bytes
    executable: bool = False


@dataclasses.dataclass(frozen=True)
class ArchiveContents:
    members: tuple[Member, ...]
    skipped: tuple[str, ...]

    def paths(self) -> list[str]:
        return [m.path for m in self.members]


def _check_path(raw: str) -> PurePosixPath | None:
    """A safe relative path, or None for a directory entry. Raises ArchiveRejected."""
    name = raw.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise ArchiveRejected(f"{raw!r} is an absolute path; archives must hold relative paths only.")
    if "\x00" in name:
        raise ArchiveRejected(f"{raw!r} contains a NUL byte.")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise ArchiveRejected(f"{raw!r} climbs out of the project with '..'.")
    if not parts:
        return None
    if len(name) > MAX_PATH_LENGTH or any(len(p) > MAX_NAME_LENGTH for p in parts):
        raise ArchiveRejected(f"{raw[:80]!r}… is too long (at most {MAX_NAME_LENGTH} characters a name).")
    if len(parts) > MAX_DEPTH:
        raise ArchiveRejected(f"{raw!r} is {len(parts)} path components deep (at most {MAX_DEPTH}).")
    return PurePosixPath(*parts)


class _Budget:
    def __init__(self) -> None:
        self.bytes = 0
        self.files = 0

    def add_file(self) -> None:
        self.files += 1
        if self.files > MAX_FILES:
            raise ArchiveRejected(f"The archive holds more than {MAX_FILES} files.")

    def read(self, stream) -> bytes:
        out = bytearray()
        while chunk := stream.read(CHUNK):
            self.bytes += len(chunk)
            if self.bytes > MAX_UNCOMPRESSED_BYTES:
                raise ArchiveRejected(
                    f"The archive unpacks to more than {MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MiB. "
                    "Leave out virtualenvs, databases and data files."
                )
            out += chunk
        return bytes(out)


def _skipped(path: PurePosixPath) -> bool:
    return bool(SKIPPED_PARTS.intersection(path.parts)) or path.suffix in SKIPPED_SUFFIXES or path.name in SKIPPED_NAMES


def _read_zip(data: bytes, budget: _Budget):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ArchiveRejected(f"This is not a readable .zip file ({exc}).") from None
    with archive:
        for info in archive.infolist():
            path = _check_path(info.filename)
            mode = info.external_attr >> 16
            if info.is_dir() or path is None:
                continue
            if stat.S_ISLNK(mode):
                raise ArchiveRejected(f"{info.filename!r} is a symbolic link; links are not allowed.")
            # Many zip tools store no file type at all; only a stated non-regular type is refused.
            if stat.S_IFMT(mode) and not stat.S_ISREG(mode):
                raise ArchiveRejected(f"{info.filename!r} is not a regular file.")
            if info.flag_bits & 0x1:
                raise ArchiveRejected(f"{info.filename!r} is encrypted.")
            budget.add_file()
            try:
                with archive.open(info) as stream:
                    yield path, budget.read(stream), bool(mode & 0o111)
            except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError) as exc:
                raise ArchiveRejected(f"{info.filename!r} cannot be read ({exc}).") from None


def _read_tar(data: bytes, budget: _Budget):
    try:
        archive = tarfile.open(fileobj=io.BytesIO(data), mode="r:*")  # noqa: SIM115 (closed by the with below)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise ArchiveRejected(f"This is not a readable .tar.gz file ({exc}).") from None
    with archive:
        try:
            for info in archive:
                path = _check_path(info.name)
                if info.issym() or info.islnk():
                    raise ArchiveRejected(f"{info.name!r} is a link; links are not allowed.")
                if info.isdir() or path is None:
                    continue
                if not info.isreg():
                    raise ArchiveRejected(f"{info.name!r} is a device, FIFO or other special file.")
                budget.add_file()
                stream = archive.extractfile(info)
                yield path, budget.read(stream), bool(info.mode & 0o111)
        except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
            raise ArchiveRejected(f"The archive is truncated or corrupt ({exc}).") from None


def archive_read(data: bytes, filename: str) -> ArchiveContents:
    """Validate and read an uploaded archive. Raises ArchiveRejected with a learner-facing reason.

    A single top-level directory (as when a learner zips their project folder) is removed, so
    that the project root, where manage.py lives, is the archive root.
    """
    if len(data) > MAX_COMPRESSED_BYTES:
        raise ArchiveRejected(f"The archive is larger than {MAX_COMPRESSED_BYTES // (1024 * 1024)} MiB.")
    lower = filename.lower()
    if lower.endswith(".zip"):
        reader = _read_zip
    elif lower.endswith((".tar.gz", ".tgz")):
        reader = _read_tar
    else:
        raise ArchiveRejected("Upload a .zip or .tar.gz archive of your project.")
    budget = _Budget()
    members: dict[str, Member] = {}
    skipped: list[str] = []
    for path, content, executable in reader(data, budget):
        if _skipped(path):
            skipped.append(str(path))
            continue
        if str(path) in members:
            raise ArchiveRejected(f"{path} appears twice in the archive.")
        members[str(path)] = Member(path=str(path), data=content, executable=executable)
    if not members:
        raise ArchiveRejected("The archive is empty.")
    tops = {PurePosixPath(p).parts[0] for p in members}
    if "manage.py" not in members and len(tops) == 1 and all("/" in p for p in members):
        prefix = tops.pop() + "/"
        members = {p[len(prefix) :]: dataclasses.replace(m, path=p[len(prefix) :]) for p, m in members.items()}
    if "manage.py" not in members:
        raise ArchiveRejected("No manage.py at the top of the archive: archive the project folder itself.")
    return ArchiveContents(members=tuple(members.values()), skipped=tuple(skipped))
