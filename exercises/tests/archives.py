"""Helpers that build real archives (benign and hostile) in memory for tests."""

import io
import tarfile
import zipfile
from pathlib import Path

IGNORED = {"__pycache__", "db.sqlite3"}


def tree_members(root: Path, overlay: dict[str, str | bytes] | None = None) -> dict[str, bytes]:
    members = {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not IGNORED.intersection(p.relative_to(root).parts) and p.suffix != ".pyc"
    }
    for name, content in (overlay or {}).items():
        members[name] = content.encode() if isinstance(content, str) else content
    return members


def make_zip(members: dict[str, bytes | str], prefix: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(prefix + name, content)
    return buffer.getvalue()


def make_tar(members: dict[str, bytes | str], special: list[tarfile.TarInfo] = ()) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in members.items():
            data = content.encode() if isinstance(content, str) else content
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for info in special:
            archive.addfile(info)
    return buffer.getvalue()


def zip_with_symlink(name: str, target: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("manage.py", "")
        info = zipfile.ZipInfo(name)
        info.external_attr = 0o120777 << 16  # S_IFLNK
        archive.writestr(info, target)
    return buffer.getvalue()


def zip_bomb(uncompressed_mib: int) -> bytes:
    """Zeros compress about 1000:1: a few KiB that unpack to `uncompressed_mib` MiB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manage.py", "")
        with archive.open("data.bin", "w") as stream:
            chunk = bytes(1024 * 1024)
            for _ in range(uncompressed_mib):
                stream.write(chunk)
    return buffer.getvalue()
