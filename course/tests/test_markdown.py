import pytest
from django.core.cache import cache

from course.markdown import TocEntry, lesson_render, markdown_render


def test_fenced_python_is_highlighted_by_pygments():
    html = markdown_render("```python\ndef f():\n    return 1\n```\n").html
    assert '<div class="codehilite"><pre>' in html
    assert '<span class="k">def</span>' in html
    assert '<span class="nf">f</span>' in html


def test_headings_get_stable_anchors_and_a_toc():
    rendered = markdown_render("# Title\n\n## Select related {#select-related}\n\n### The N+1 problem\n\n## Summary\n")
    assert '<h2 id="select-related">Select related</h2>' in rendered.html
    assert '<h3 id="the-n1-problem">The N+1 problem</h3>' in rendered.html
    assert rendered.toc == (
        TocEntry(level=2, anchor="select-related", title="Select related"),
        TocEntry(level=3, anchor="the-n1-problem", title="The N+1 problem"),
        TocEntry(level=2, anchor="summary", title="Summary"),
    )


def test_tables_and_admonitions_render():
    html = markdown_render('| a | b |\n|---|---|\n| 1 | 2 |\n\n!!! warning "Careful"\n    Body text.\n').html
    assert "<th>a</th>" in html
    assert "<td>2</td>" in html
    assert '<div class="admonition warning">\n<p class="admonition-title">Careful</p>' in html


@pytest.mark.parametrize(
    ("hostile", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src="x.png" onerror="alert(1)">', "onerror"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<a href="/" onclick="steal()">x</a>', "onclick"),
        ("<iframe src='https://evil.example'></iframe>", "<iframe"),
        ("## Heading {onclick=alert(1)}", "onclick"),
        ('<div style="background:url(javascript:alert(1))">x</div>', "style"),
    ],
)
def test_hostile_lesson_markup_never_reaches_the_page(hostile, forbidden):
    html = markdown_render(f"Before.\n\n{hostile}\n\nAfter.\n").html
    assert forbidden not in html
    assert "<p>Before.</p>" in html
    assert "<p>After.</p>" in html


def test_quiz_blocks_leave_a_slot_and_never_leak_the_answer():
    source = '```quiz\nid = "n-plus-one"\nkind = "choice"\nanswer = 1\nexplanation = "secret"\n```\n'
    html = markdown_render(source).html
    assert html.strip() == '<div class="quiz-slot" data-quiz="n-plus-one"></div>'


def test_render_is_cached_by_content_hash():
    cache.clear()
    first = lesson_render(source="## One\n", content_hash="abc")
    # Same hash: the cached HTML is served even though the source differs.
    assert lesson_render(source="## Two\n", content_hash="abc") == first
    assert lesson_render(source="## Two\n", content_hash="def").html == '<h2 id="two">Two</h2>'
