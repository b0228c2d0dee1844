from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from course.models import CheckAnswer, KnowledgeCheck, Lesson
from course.selectors import course_progress_for_user
from course.services import curriculum_sync

pytestmark = pytest.mark.django_db

LESSON = '''+++
title = "ORM"
order = 1
minutes = 10
+++
## Loops {#loops}

```quiz
id = "author-loop"
kind = "line"
question = "Which line runs one query per book?"
code = """
books = Book.objects.all()
for book in books:
    print(book.author.name)
"""
answer = 3
explanation = "book.author is a foreign key."
```

Between.

```quiz
id = "prefetch-m2m"
kind = "choice"
question = "Which loads tags in two queries?"
options = ["select_related('tags')", "prefetch_related('tags')"]
answer = 1
explanation = "Many-to-many needs prefetch_related."
```
'''


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "course.toml").write_text('slug = "c"\ntitle = "C"\n')
    (tmp_path / "01-orm").mkdir()
    (tmp_path / "01-orm" / "lesson.md").write_text(LESSON)
    curriculum_sync(root=tmp_path)
    return tmp_path


def test_quiz_blocks_become_knowledge_checks(root):
    rows = list(KnowledgeCheck.objects.order_by("position").values_list("key", "kind", "options", "answer"))
    assert rows == [
        ("author-loop", "line", ["books = Book.objects.all()", "for book in books:", "    print(book.author.name)"], 2),
        ("prefetch-m2m", "choice", ["select_related('tags')", "prefetch_related('tags')"], 1),
    ]


def test_lesson_page_shows_questions_but_never_answers(client, learner, root):
    client.force_login(learner)
    html = client.get(reverse("course:lesson", args=["orm"])).content.decode()
    assert html.count('data-testid="quiz"') == 2
    assert "Which line runs one query per book?" in html
    assert html.index('id="quiz-author-loop"') < html.index("Between.") < html.index('id="quiz-prefetch-m2m"')
    assert "book.author is a foreign key." not in html  # the explanation comes with the answer
    assert "answer = " not in html


def test_answer_is_checked_instantly_and_recorded(client, learner, root):
    client.force_login(learner)
    url = reverse("course:check_answer", args=["orm", "author-loop"])
    wrong = client.post(url, {"chosen": "0"}, HTTP_ACCEPT="application/json")
    assert wrong.json() == {"correct": False, "explanation": "book.author is a foreign key.", "ever_correct": False}
    right = client.post(url, {"chosen": "2"}, HTTP_ACCEPT="application/json")
    assert right.json() == {"correct": True, "explanation": "book.author is a foreign key.", "ever_correct": True}
    client.post(url, {"chosen": "1"}, HTTP_ACCEPT="application/json")  # a later slip keeps the credit
    answer = CheckAnswer.objects.get(user=learner)
    assert (answer.chosen, answer.is_correct, answer.attempts) == (1, True, 3)


def test_answers_count_in_progress(learner, root):
    progress = course_progress_for_user(user=learner)
    assert (progress.checks_total, progress.checks_correct, progress.percent) == (2, 0, 0)
    check = KnowledgeCheck.objects.get(key="prefetch-m2m")
    CheckAnswer.objects.create(
        user=learner, knowledge_check=check, chosen=1, is_correct=True, answered_at="2026-11-27T10:00:00Z"
    )
    progress = course_progress_for_user(user=learner)
    # 1 lesson + 2 checks = 3 units; one check right.
    assert (progress.checks_correct, progress.percent) == (1, 33)


def test_form_post_without_javascript_redirects_to_the_question(client, learner, root):
    client.force_login(learner)
    response = client.post(reverse("course:check_answer", args=["orm", "prefetch-m2m"]), {"chosen": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/lessons/orm/#quiz-prefetch-m2m"
    assert CheckAnswer.objects.get(user=learner).is_correct is True


@pytest.mark.parametrize("chosen", ["", "7", "-1", "two"])
def test_invalid_choice_is_refused_and_nothing_recorded(client, learner, root, chosen):
    client.force_login(learner)
    response = client.post(
        reverse("course:check_answer", args=["orm", "prefetch-m2m"]), {"chosen": chosen}, HTTP_ACCEPT="application/json"
    )
    assert (response.status_code, response.json()) == (400, {"error": "Choose one of the options."})
    assert CheckAnswer.objects.count() == 0


def test_unknown_check_is_404_and_login_is_required(client, learner, root):
    assert client.post(reverse("course:check_answer", args=["orm", "prefetch-m2m"]), {"chosen": "1"}).status_code == 302
    client.force_login(learner)
    assert client.post(reverse("course:check_answer", args=["orm", "nope"]), {"chosen": "1"}).status_code == 404
    assert CheckAnswer.objects.count() == 0


def test_changing_a_lesson_keeps_answers_to_kept_checks_and_drops_removed_ones(learner, root):
    kept = KnowledgeCheck.objects.get(key="prefetch-m2m")
    CheckAnswer.objects.create(
        user=learner, knowledge_check=kept, chosen=1, is_correct=True, answered_at="2026-11-27T10:00:00Z"
    )
    text = LESSON[: LESSON.index("```quiz")] + LESSON[LESSON.index("Between.") :]
    (root / "01-orm" / "lesson.md").write_text(text)
    curriculum_sync(root=root)
    assert list(KnowledgeCheck.objects.values_list("key", "position")) == [("prefetch-m2m", 0)]
    assert CheckAnswer.objects.filter(user=learner, knowledge_check=kept).count() == 1
    assert Lesson.objects.get().checks.count() == 1


@pytest.mark.parametrize(
    ("quiz", "line", "message"),
    [
        (
            'id = "q"\nkind = "choice"\nquestion = "Q"\noptions = ["a", "b"]\nanswer = 2\nexplanation = "E"',
            6,
            "answer 2 is not an option index (0-based)",
        ),
        (
            'id = "q"\nkind = "line"\nquestion = "Q"\ncode = "x = 1"\nanswer = 0\nexplanation = "E"',
            6,
            "answer 0 is not a line of the code (1-based)",
        ),
        (
            'id = "q"\nkind = "essay"\nquestion = "Q"\nanswer = 0\nexplanation = "E"',
            6,
            "kind must be 'choice' or 'line'",
        ),
        ('id = "Q Q"\nkind = "choice"', 6, "quiz id 'Q Q' must be lowercase"),
        (
            'id = "q"\nkind = "choice"\nquestion = "Q"\noptions = ["a"]\nanswer = 0\nexplanation = "E"',
            6,
            "'options' must list at least two strings",
        ),
        ('id = "q"\nkind = "choice"\nquestion = \n', 9, "invalid TOML"),
    ],
)
def test_bad_quiz_names_file_and_line(tmp_path, quiz, line, message):
    (tmp_path / "course.toml").write_text('slug = "c"\ntitle = "C"\n')
    (tmp_path / "01-orm").mkdir()
    path = tmp_path / "01-orm" / "lesson.md"
    path.write_text(f'+++\ntitle = "T"\norder = 1\nminutes = 5\n+++\n```quiz\n{quiz}\n```\n')
    with pytest.raises(CommandError) as excinfo:
        call_command("sync_curriculum", root=tmp_path)
    assert f"{path}:{line}: " in str(excinfo.value)
    assert message in str(excinfo.value)
    assert Lesson.objects.count() == 0


def test_every_real_lesson_has_at_least_three_checks():
    from django.conf import settings

    curriculum_sync(root=settings.CURRICULUM_DIR)
    counts = {lesson.slug: lesson.checks.count() for lesson in Lesson.objects.filter(is_published=True)}
    assert len(counts) == 15
    assert min(counts.values()) >= 3, counts
