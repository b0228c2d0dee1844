"""What `academy submit` packs: the CLI's own rules, without a server."""

import io
import sys
import tarfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli" / "src"))
from academy_cli import pack  # noqa: E402 (the CLI is its own package, not installed in the venv)


@pytest.fixture
def project(tmp_path):
    files = {
        "manage.py": "", "app/models.py": "", "app/secret.env": "x", "app/keep.env": "y", "build/out.txt": "",
        "docs/notes.md": "", "docs/draft/a.md": "", "logs/today.log": "", "app/__pycache__/m.pyc": "",
        ".gitignore": "*.env\n!keep.env\n/build/\ndocs/draft\n", "app/.gitignore": "models.py\n",
    }  # fmt: skip
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / ".academy.json").write_text("{}")
    (tmp_path / "big.bin").write_bytes(b"\0" * (1024 * 1024 + 1))
    (tmp_path / "link.py").symlink_to(tmp_path / "manage.py")
    return tmp_path


def test_pack_respects_gitignore_and_skips_junk_with_reasons(project):
    packed = pack.pack(project)
    assert sorted(packed.files) == [
        ".gitignore", "app/.gitignore", "app/keep.env", "docs/notes.md", "logs/today.log", "manage.py",
    ]  # fmt: skip
    assert [(s.path, s.reason) for s in packed.skipped] == [
        ("build/", "listed in .gitignore"),
        ("big.bin", "larger than 1 MiB (1024 KiB)"),
        ("link.py", "a symbolic link or special file"),
        ("app/__pycache__/", "bytecode"),
        ("app/models.py", "listed in .gitignore"),
        ("app/secret.env", "listed in .gitignore"),
        ("docs/draft/", "listed in .gitignore"),
    ]


def test_the_archive_has_the_project_at_its_root(project):
    data = pack.pack(project).tar_gz()
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        names = archive.getnames()
    assert "manage.py" in names
    assert ".academy.json" not in names
