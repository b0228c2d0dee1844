"""Lesson Markdown to safe HTML.

Rendering is deterministic for a given source, so its output is cached by content hash.
Everything that leaves here went through nh3 (the Ammonia sanitizer): a lesson cannot put
a <script>, an event handler or a javascript: URL on the page.
"""

import dataclasses
import hashlib
import html
import re

import markdown
import nh3
from django.core.cache import cache

# Bump when the extensions or the sanitizer policy change, to invalidate cached HTML.
RENDERER_VERSION = 1
CACHE_SECONDS = 24 * 3600

QUIZ_FENCE = re.compile(r"^```quiz[ \t]*\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
QUIZ_ID = re.compile(r"""^id\s*=\s*["'](?P<id>[a-z0-9-]+)["']""", re.MULTILINE)

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "ul",
}  # fmt: skip
_ATTRIBUTES = {
    "*": {"class", "id", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"align", "style"},
    "th": {"align", "style"},
    "div": {"data-quiz"},
}
_EXTENSIONS = ["fenced_code", "codehilite", "tables", "admonition", "toc", "attr_list", "sane_lists"]
_EXTENSION_CONFIGS = {
    "codehilite": {"css_class": "codehilite", "guess_lang": False},
    "toc": {"toc_depth": "2-3"},
}


@dataclasses.dataclass(frozen=True)
class TocEntry:
    level: int
    anchor: str
    title: str


@dataclasses.dataclass(frozen=True)
class RenderedLesson:
    html: str
    toc: tuple[TocEntry, ...]


def _quiz_placeholder(match: re.Match) -> str:
    found = QUIZ_ID.search(match.group("body"))
    quiz_id = found.group("id") if found else ""
    # The TOML holds the answer: it never reaches the page, only a slot for the quiz form.
    return f'\n<div class="quiz-slot" data-quiz="{quiz_id}"></div>\n'


def _flatten(tokens: list[dict]) -> list[TocEntry]:
    entries = []
    for token in tokens:
        entries.append(TocEntry(level=token["level"], anchor=token["id"], title=html.unescape(token["name"])))
        entries.extend(_flatten(token["children"]))
    return entries


def markdown_render(source: str) -> RenderedLesson:
    md = markdown.Markdown(extensions=_EXTENSIONS, extension_configs=_EXTENSION_CONFIGS)
    raw = md.convert(QUIZ_FENCE.sub(_quiz_placeholder, source))
    clean = nh3.clean(
        raw,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        strip_comments=True,
        filter_style_properties={"text-align"},
        link_rel="noopener noreferrer",
    )
    return RenderedLesson(html=clean, toc=tuple(_flatten(md.toc_tokens)))


def lesson_render(*, source: str, content_hash: str = "") -> RenderedLesson:
    """Render with a cache keyed by the source's hash (computed when not given)."""
    digest = content_hash or hashlib.sha256(source.encode()).hexdigest()
    key = f"lesson-html:v{RENDERER_VERSION}:{digest}"
    rendered = cache.get(key)
    if rendered is None:
        rendered = markdown_render(source)
        cache.set(key, rendered, CACHE_SECONDS)
    return rendered


QUIZ_SLOT = re.compile(r'<div class="quiz-slot" data-quiz="(?P<key>[a-z0-9-]*)"></div>')


def lesson_segments(*, html: str, checks: list) -> list[tuple[str, object | None]]:
    """Split rendered HTML at the quiz slots: [(html, check or None), ...] for the template."""
    by_key = {check.key: check for check in checks}
    segments, start = [], 0
    for match in QUIZ_SLOT.finditer(html):
        segments.append((html[start : match.start()], by_key.get(match.group("key"))))
        start = match.end()
    segments.append((html[start:], None))
    return segments
