"""Reading the curriculum from disk. Pure parsing: nothing here touches the database.

Every problem raises CurriculumError naming the file and, where known, the line, so an
author can fix it without guessing. The sync service parses everything before it writes.
"""

import dataclasses
import hashlib
import re
import tomllib
from pathlib import Path

LESSON_DIR = re.compile(r"^(?P<number>\d{2})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)$")
FRONT_MATTER_FENCE = "+++"
TOML_LINE = re.compile(r"\(at line (?P<line>\d+), column \d+\)")


class CurriculumError(Exception):
    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclasses.dataclass(frozen=True)
class CourseSource:
    slug: str
    title: str
    summary: str
    content_hash: str


@dataclasses.dataclass(frozen=True)
class QuizSource:
    key: str
    kind: str  # "choice" or "line"
    question: str
    options: tuple[str, ...]  # the choices, or the code's lines for "line" questions
    answer: int  # 0-based index into options
    explanation: str
    language: str


@dataclasses.dataclass(frozen=True)
class LessonSource:
    path: Path
    slug: str
    title: str
    summary: str
    order: int
    minutes: int
    body: str
    content_hash: str
    order_line: int
    quizzes: tuple[QuizSource, ...] = ()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def toml_load(path: Path, text: str, line_offset: int = 0) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = TOML_LINE.search(str(exc))
        line = int(found.group("line")) + line_offset if found else None
        raise CurriculumError(path, f"invalid TOML: {TOML_LINE.sub('', str(exc)).strip()}", line) from None


def require(path: Path, data: dict, key: str, kind: type, line: int | None = None):
    value = data.get(key)
    # bool is an int subclass; a lesson order of `true` is a mistake, not 1.
    if value is None or not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        article = "an integer" if kind is int else f"a {kind.__name__}"
        raise CurriculumError(path, f"'{key}' is required and must be {article}", line)
    if kind is str and not value.strip():
        raise CurriculumError(path, f"'{key}' must not be empty", line)
    return value


def course_read(root: Path) -> CourseSource:
    path = root / "course.toml"
    if not path.is_file():
        raise CurriculumError(path, "course.toml is missing")
    raw = path.read_bytes()
    data = toml_load(path, raw.decode())
    slug = require(path, data, "slug", str)
    if not LESSON_DIR.match(f"00-{slug}"):
        raise CurriculumError(path, f"slug {slug!r} must be lowercase letters, digits and hyphens")
    return CourseSource(
        slug=slug,
        title=require(path, data, "title", str),
        summary=data.get("summary", ""),
        content_hash=_sha256(raw),
    )


QUIZ_FENCE = re.compile(r"^```quiz[ \t]*\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
QUIZ_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def quizzes_read(path: Path, text: str) -> tuple[QuizSource, ...]:
    """Parse every ```quiz block of a lesson (TOML inside). Errors name the file and line."""
    quizzes: list[QuizSource] = []
    for match in QUIZ_FENCE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1  # the fence's line in the file
        data = toml_load(path, match.group("body"), line_offset=line)
        key = require(path, data, "id", str, line)
        if not QUIZ_KEY.match(key):
            raise CurriculumError(path, f"quiz id {key!r} must be lowercase letters, digits and hyphens", line)
        if key in {q.key for q in quizzes}:
            raise CurriculumError(path, f"duplicate quiz id {key!r}", line)
        kind = data.get("kind")
        answer = require(path, data, "answer", int, line)
        if kind == "choice":
            options = data.get("options")
            if not isinstance(options, list) or len(options) < 2 or not all(isinstance(o, str) for o in options):
                raise CurriculumError(path, f"quiz {key!r}: 'options' must list at least two strings", line)
            if not 0 <= answer < len(options):
                raise CurriculumError(path, f"quiz {key!r}: answer {answer} is not an option index (0-based)", line)
        elif kind == "line":
            options = require(path, data, "code", str, line).rstrip("\n").split("\n")
            if not 1 <= answer <= len(options):
                raise CurriculumError(path, f"quiz {key!r}: answer {answer} is not a line of the code (1-based)", line)
            answer -= 1
        else:
            raise CurriculumError(path, f"quiz {key!r}: kind must be 'choice' or 'line'", line)
        quizzes.append(QuizSource(
            key=key, kind=kind, question=require(path, data, "question", str, line), options=tuple(options),
            answer=answer, explanation=require(path, data, "explanation", str, line),
            language=data.get("language", "python"),
        ))  # fmt: skip
    return tuple(quizzes)


def _key_line(front_lines: list[str], key: str) -> int:
    """1-based line in the file of `key = ...` in the front matter (line 1 is the fence)."""
    for number, line in enumerate(front_lines, start=2):
        if line.split("=", 1)[0].strip() == key:
            return number
    return 1


def lesson_read(directory: Path) -> LessonSource:
    path = directory / "lesson.md"
    match = LESSON_DIR.match(directory.name)
    if not match:
        raise CurriculumError(directory, "a lesson directory is named NN-slug, e.g. 07-orm-performance")
    if not path.is_file():
        raise CurriculumError(path, "lesson.md is missing")
    raw = path.read_bytes()
    try:
        text = raw.decode()
    except UnicodeDecodeError as exc:
        raise CurriculumError(path, f"not valid UTF-8 (byte {exc.start})") from None
    lines = text.splitlines()
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        raise CurriculumError(path, "the file must start with +++ front matter", 1)
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == FRONT_MATTER_FENCE)
    except StopIteration:
        raise CurriculumError(path, "the front matter has no closing +++", 1) from None
    front_lines = lines[1:end]
    meta = toml_load(path, "\n".join(front_lines), line_offset=1)
    unknown = sorted(set(meta) - {"title", "summary", "order", "minutes"})
    if unknown:
        raise CurriculumError(path, f"unknown front matter key {unknown[0]!r}", _key_line(front_lines, unknown[0]))
    order_line = _key_line(front_lines, "order")
    order = require(path, meta, "order", int, order_line)
    minutes = require(path, meta, "minutes", int, _key_line(front_lines, "minutes"))
    if not 1 <= order <= 999:
        raise CurriculumError(path, "'order' must be between 1 and 999", order_line)
    if not 1 <= minutes <= 600:
        raise CurriculumError(path, "'minutes' must be between 1 and 600", _key_line(front_lines, "minutes"))
    return LessonSource(
        path=path,
        slug=match.group("slug"),
        title=require(path, meta, "title", str, _key_line(front_lines, "title")),
        summary=meta.get("summary", ""),
        order=order,
        minutes=minutes,
        body="\n".join(lines[end + 1 :]).strip() + "\n",
        content_hash=_sha256(raw),
        order_line=order_line,
        quizzes=quizzes_read(path, text),
    )


def lessons_read(root: Path) -> list[LessonSource]:
    """All lessons under `root`, checked for duplicate slugs and orders."""
    lessons = [lesson_read(d) for d in sorted(root.iterdir()) if d.is_dir() and (d / "lesson.md").exists()]
    by_slug: dict[str, LessonSource] = {}
    by_order: dict[int, LessonSource] = {}
    for lesson in lessons:
        if lesson.slug in by_slug:
            other = by_slug[lesson.slug].path
            raise CurriculumError(lesson.path, f"duplicate lesson slug {lesson.slug!r} (also {other})", 1)
        if lesson.order in by_order:
            other = by_order[lesson.order].path
            raise CurriculumError(lesson.path, f"duplicate order {lesson.order} (also {other})", lesson.order_line)
        by_slug[lesson.slug] = by_order[lesson.order] = lesson
    return lessons
