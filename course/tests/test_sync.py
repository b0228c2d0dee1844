from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from course.models import Course, Lesson, LessonProgress
from course.services import curriculum_sync
from course.tests.factories import LessonProgressFactory

pytestmark = pytest.mark.django_db

LESSON = """+++
title = "{title}"
summary = "About {slug}."
order = {order}
minutes = 15
+++
## Why {{#why}}

Body of {slug}.
"""


def write_lesson(root: Path, dirname: str, *, order: int, title: str | None = None, text: str | None = None) -> Path:
    slug = dirname.split("-", 1)[1]
    path = root / dirname / "lesson.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if text is not None else LESSON.format(title=title or slug.title(), slug=slug, order=order))
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "course.toml").write_text('slug = "backend"\ntitle = "Backend"\nsummary = "S."\n')
    write_lesson(tmp_path, "01-basics", order=1)
    write_lesson(tmp_path, "02-orm", order=2)
    return tmp_path


def lesson_rows():
    return list(Lesson.objects.order_by("slug").values_list("slug", "order", "title", "is_published"))


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]


def test_first_sync_loads_the_course_and_its_lessons(root):
    course, report = curriculum_sync(root=root)
    assert (course.slug, course.title) == ("backend", "Backend")
    assert report.created == ["basics", "orm"]
    assert lesson_rows() == [("basics", 1, "Basics", True), ("orm", 2, "Orm", True)]
    lesson = Lesson.objects.get(slug="orm")
    assert lesson.body == "## Why {#why}\n\nBody of orm.\n"
    assert lesson.source_path == f"{root.name}/02-orm/lesson.md"
    assert len(lesson.content_hash) == 64


def test_second_sync_writes_nothing(root):
    curriculum_sync(root=root)
    with CaptureQueriesContext(connection) as queries:
        _, report = curriculum_sync(root=root)
    assert writes(queries.captured_queries) == []
    assert (report.created, report.updated, report.unpublished, report.unchanged) == ([], [], [], 2)


def test_changed_lesson_is_updated_and_others_untouched(root):
    curriculum_sync(root=root)
    untouched = Lesson.objects.get(slug="basics").updated_at
    write_lesson(root, "02-orm", order=2, title="ORM performance")
    _, report = curriculum_sync(root=root)
    assert (report.updated, report.unchanged) == (["orm"], 1)
    assert Lesson.objects.get(slug="orm").title == "ORM performance"
    assert Lesson.objects.get(slug="basics").updated_at == untouched


def test_swapping_two_orders_passes_the_unique_index(root):
    curriculum_sync(root=root)
    write_lesson(root, "01-basics", order=2)
    write_lesson(root, "02-orm", order=1)
    curriculum_sync(root=root)
    assert lesson_rows() == [("basics", 2, "Basics", True), ("orm", 1, "Orm", True)]


def test_removed_lesson_is_unpublished_and_progress_is_kept(root, learner):
    curriculum_sync(root=root)
    LessonProgressFactory(user=learner, lesson=Lesson.objects.get(slug="orm"))
    (root / "02-orm" / "lesson.md").unlink()
    (root / "02-orm").rmdir()
    _, report = curriculum_sync(root=root)
    assert report.unpublished == ["orm"]
    assert lesson_rows() == [("basics", 1, "Basics", True), ("orm", 2, "Orm", False)]
    assert LessonProgress.objects.filter(user=learner, lesson__slug="orm").count() == 1
    # Its order is free again, and bringing the lesson back republishes it.
    write_lesson(root, "03-new", order=2)
    curriculum_sync(root=root)
    assert Lesson.objects.get(slug="new").is_published


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('+++\ntitle = "T"\norder = \nminutes = 5\n+++\nBody\n', 3, "invalid TOML"),
        ('+++\ntitle = "T"\norder = "one"\nminutes = 5\n+++\n', 3, "'order' is required and must be an integer"),
        ('+++\ntitle = "T"\norder = 4\n+++\n', 1, "'minutes' is required"),
        ('+++\ntitle = ""\norder = 4\nminutes = 5\n+++\n', 2, "'title' must not be empty"),
        ('+++\ntitle = "T"\norder = 4\nminutes = 5\ncolour = "red"\n+++\n', 5, "unknown front matter key 'colour'"),
        ("# No front matter\n", 1, "must start with +++ front matter"),
        ('+++\ntitle = "T"\n', 1, "no closing +++"),
    ],
)
def test_bad_front_matter_names_file_and_line_and_writes_nothing(root, text, line, message):
    curriculum_sync(root=root)
    before = lesson_rows()
    path = write_lesson(root, "03-broken", order=3, text=text)
    with pytest.raises(CommandError) as excinfo:
        call_command("sync_curriculum", root=root)
    assert f"{path}:{line}: " in str(excinfo.value)
    assert message in str(excinfo.value)
    assert "Nothing was written." in str(excinfo.value)
    assert lesson_rows() == before


def test_duplicate_order_is_refused_before_any_write(root):
    path = write_lesson(root, "03-extra", order=2)
    with pytest.raises(CommandError, match=rf"{path}:4: duplicate order 2 \(also .*02-orm/lesson.md\)"):
        call_command("sync_curriculum", root=root)
    assert Course.objects.count() == 0
    assert Lesson.objects.count() == 0


def test_duplicate_slug_is_refused(root):
    path = write_lesson(root, "07-orm", order=7)
    with pytest.raises(CommandError, match=rf"{path}:1: duplicate lesson slug 'orm'"):
        call_command("sync_curriculum", root=root)
    assert Lesson.objects.count() == 0


def test_command_reports_what_it_did(root, capsys):
    call_command("sync_curriculum", root=root)
    call_command("sync_curriculum", root=root)
    out = capsys.readouterr().out
    assert "  created: basics\n  created: orm\nbackend: 2 created, 0 updated, 0 unpublished, 0 unchanged\n" in out
    assert "backend: 0 created, 0 updated, 0 unpublished, 2 unchanged (nothing to write)" in out


def test_the_real_curriculum_loads():
    from django.conf import settings

    _, report = curriculum_sync(root=settings.CURRICULUM_DIR)
    assert len(report.created) >= 2
    assert Lesson.objects.filter(is_published=True).count() == len(report.created)
