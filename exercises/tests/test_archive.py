import tarfile

import pytest

from exercises import archive as archive_module
from exercises.archive import ArchiveRejected, archive_read
from exercises.tests.archives import make_tar, make_zip, zip_bomb, zip_with_symlink

PROJECT = {"manage.py": "print('hi')\n", "shop/models.py": "# models\n"}


def test_zip_is_read_into_memory_with_paths_checked():
    contents = archive_read(make_zip(PROJECT), "project.zip")
    assert contents.paths() == ["manage.py", "shop/models.py"]
    assert contents.members[1].data == b"# models\n"
    assert contents.skipped == ()


def test_tar_gz_is_read_too():
    assert archive_read(make_tar(PROJECT), "project.tar.gz").paths() == ["manage.py", "shop/models.py"]


def test_single_top_level_folder_is_removed():
    contents = archive_read(make_zip(PROJECT, prefix="my-project/"), "p.zip")
    assert contents.paths() == ["manage.py", "shop/models.py"]


def test_junk_is_skipped_and_reported():
    members = {
        **PROJECT,
        "shop/__pycache__/models.cpython-311.pyc": b"\0",
        ".git/HEAD": "ref",
        "db.sqlite3": b"x",
        ".venv/bin/python": b"elf",
    }
    contents = archive_read(make_zip(members), "p.zip")
    assert contents.paths() == ["manage.py", "shop/models.py"]
    assert sorted(contents.skipped) == [
        ".git/HEAD",
        ".venv/bin/python",
        "db.sqlite3",
        "shop/__pycache__/models.cpython-311.pyc",
    ]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (make_zip({"../evil.py": "x", "manage.py": ""}), "p.zip", "'../evil.py' climbs out of the project with '..'."),
        (make_zip({"a/../../evil.py": "x", "manage.py": ""}), "p.zip", "climbs out of the project"),
        (make_zip({"/etc/passwd": "x", "manage.py": ""}), "p.zip", "'/etc/passwd' is an absolute path"),
        (make_zip({"C:/x.py": "x", "manage.py": ""}), "p.zip", "is an absolute path"),
        (make_tar({"../evil.py": "x", "manage.py": ""}), "p.tar.gz", "climbs out of the project"),
        (zip_with_symlink("link.py", "/etc/passwd"), "p.zip", "'link.py' is a symbolic link; links are not allowed."),
        (make_zip({"shop/models.py": ""}), "p.zip", "No manage.py at the top of the archive"),
        (make_zip({}), "p.zip", "The archive is empty."),
        (b"not an archive", "p.zip", "This is not a readable .zip file"),
        (b"not an archive", "p.tar.gz", "This is not a readable .tar.gz file"),
        (make_zip(PROJECT), "p.rar", "Upload a .zip or .tar.gz archive of your project."),
        (
            make_zip({"/".join(["d"] * 13) + "/f.py": "", "manage.py": ""}),
            "p.zip",
            "is 14 path components deep (at most 12)",
        ),
        (make_zip({"x" * 101 + ".py": "", "manage.py": ""}), "p.zip", "is too long"),
        (make_tar(PROJECT)[:60], "p.tar.gz", "This is not a readable .tar.gz file"),
        (make_tar({**PROJECT, "big.txt": bytes(range(256)) * 4000})[:3000], "p.tar.gz", "truncated or corrupt"),
    ],
)
def test_hostile_and_broken_archives_are_refused_with_a_reason(data, name, message):
    with pytest.raises(ArchiveRejected) as excinfo:
        archive_read(data, name)
    assert message in str(excinfo.value)


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        (tarfile.SYMTYPE, "is a link"),
        (tarfile.LNKTYPE, "is a link"),
        (tarfile.CHRTYPE, "is a device, FIFO"),
        (tarfile.FIFOTYPE, "is a device, FIFO"),
    ],
)
def test_tar_links_and_special_files_are_refused(kind, message):
    info = tarfile.TarInfo("special")
    info.type = kind
    info.linkname = "/etc/passwd"
    with pytest.raises(ArchiveRejected, match=message):
        archive_read(make_tar(PROJECT, special=[info]), "p.tar.gz")


def test_zip_bomb_stops_at_the_uncompressed_cap_while_reading():
    bomb = zip_bomb(uncompressed_mib=64)
    assert len(bomb) < 200 * 1024  # small on the wire
    with pytest.raises(ArchiveRejected, match="unpacks to more than 20 MiB"):
        archive_read(bomb, "bomb.zip")


def test_too_many_files(monkeypatch):
    monkeypatch.setattr(archive_module, "MAX_FILES", 3)
    with pytest.raises(ArchiveRejected, match="more than 3 files"):
        archive_read(make_zip({**PROJECT, "a.py": "", "b.py": ""}), "p.zip")


def test_compressed_size_cap(monkeypatch):
    monkeypatch.setattr(archive_module, "MAX_COMPRESSED_BYTES", 100)
    with pytest.raises(ArchiveRejected, match="larger than 0 MiB"):
        archive_read(make_zip({**PROJECT, "big.txt": "x" * 5000}), "p.zip")


def test_duplicate_member_is_refused():
    with pytest.raises(ArchiveRejected, match="manage.py appears twice"):
        archive_read(make_tar({"manage.py": "a", "./manage.py": "b"}), "p.tar.gz")
