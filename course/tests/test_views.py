import pytest
from django.test import Client
from django.urls import reverse

from course.models import LessonProgress
from course.tests.factories import CourseFactory, LessonFactory, LessonProgressFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lessons():
    course = CourseFactory()
    return [LessonFactory(course=course, order=n, slug=f"lesson-{n}") for n in (1, 2, 3)]


def test_home_lists_lessons_with_progress_in_fixed_queries(client, learner, lessons, django_assert_num_queries):
    for lesson in lessons[:2]:
        LessonProgressFactory(user=learner, lesson=lesson)
    LessonFactory(course=lessons[0].course, order=9, slug="hidden", is_published=False)
    client.force_login(learner)
    # session, user, instructor check (nav), course, lessons with completion
    with django_assert_num_queries(5):
        response = client.get(reverse("course:home"))
    assert response.status_code == 200
    progress = response.context["progress"]
    assert [(lesson.slug, lesson.is_complete) for lesson in progress.lessons] == [
        ("lesson-1", True),
        ("lesson-2", True),
        ("lesson-3", False),
    ]
    assert (progress.completed, progress.total, progress.percent) == (2, 3, 67)
    assert "2 of 3 lessons complete (67%)" in response.content.decode()
    assert 'style="width: 67%"' in response.content.decode()


def test_home_query_count_does_not_grow_with_lessons(client, learner, lessons, django_assert_num_queries):
    for n in range(4, 30):
        LessonFactory(course=lessons[0].course, order=n, slug=f"lesson-{n}")
    client.force_login(learner)
    with django_assert_num_queries(5):
        client.get(reverse("course:home"))


def test_home_is_public_and_invites_sign_up(client, lessons, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = client.get(reverse("course:home"))
    assert response.status_code == 200
    assert "Sign up to track your progress" in response.content.decode()


def test_lesson_page_requires_login(client, lessons):
    url = reverse("course:lesson", args=["lesson-2"])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


def test_lesson_page_has_toc_neighbours_and_mark_complete(learner_client, lessons):
    response = learner_client.get(reverse("course:lesson", args=["lesson-2"]))
    assert response.status_code == 200
    page = response.context["page"]
    assert (page.previous.slug, page.next.slug, page.is_complete) == ("lesson-1", "lesson-3", False)
    html = response.content.decode()
    assert '<a href="#why">Why it matters</a>' in html
    assert '<h2 id="why">Why it matters</h2>' in html
    assert f'action="{reverse("course:lesson_complete", args=["lesson-2"])}"' in html
    assert 'rel="prev" href="/lessons/lesson-1/"' in html


def test_lesson_page_query_count(learner_client, lessons, django_assert_num_queries):
    # session, user, lesson, previous, next, completion, exercise, checks with my answers, instructor check (nav)
    with django_assert_num_queries(9):
        learner_client.get(reverse("course:lesson", args=["lesson-2"]))


@pytest.mark.parametrize("slug", ["no-such-lesson", "unpublished"])
def test_unknown_or_unpublished_lesson_is_404(learner_client, lessons, slug):
    LessonFactory(course=lessons[0].course, order=8, slug="unpublished", is_published=False)
    response = learner_client.get(reverse("course:lesson", args=[slug]))
    assert response.status_code == 404
    assert "404 · Not found" in response.content.decode()


def test_mark_complete_records_progress_once(learner_client, learner, lessons):
    url = reverse("course:lesson_complete", args=["lesson-1"])
    assert learner_client.post(url).status_code == 302
    first = LessonProgress.objects.get(user=learner, lesson=lessons[0]).completed_at
    learner_client.post(url)
    assert list(LessonProgress.objects.filter(user=learner).values_list("lesson__slug", "completed_at")) == [
        ("lesson-1", first)
    ]


def test_mark_complete_rejects_get_and_anonymous(learner_client, lessons):
    url = reverse("course:lesson_complete", args=["lesson-1"])
    assert learner_client.get(url).status_code == 405
    response = Client().post(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert LessonProgress.objects.count() == 0


def test_mark_complete_of_unpublished_lesson_is_404(learner_client, lessons):
    LessonFactory(course=lessons[0].course, order=8, slug="gone", is_published=False)
    assert learner_client.post(reverse("course:lesson_complete", args=["gone"])).status_code == 404
    assert LessonProgress.objects.count() == 0


def test_profile_shows_progress(learner_client, learner, lessons):
    LessonProgressFactory(user=learner, lesson=lessons[2])
    response = learner_client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert "1 of 3 lessons complete (33%)" in response.content.decode()


def test_profile_requires_login(client):
    assert client.get(reverse("accounts:profile")).status_code == 302
