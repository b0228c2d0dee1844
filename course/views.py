from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from course.markdown import lesson_render
from course.models import Lesson
from course.selectors import course_progress_for_user, lesson_page, published_lessons
from course.services import lesson_complete


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "course/home.html", {"progress": course_progress_for_user(user=request.user)})


@login_required
def lesson_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        page = lesson_page(slug=slug, user=request.user)
    except Lesson.DoesNotExist:
        raise Http404("No such lesson.") from None
    rendered = lesson_render(source=page.lesson.body, content_hash=page.lesson.content_hash)
    return render(request, "course/lesson_detail.html", {"page": page, "rendered": rendered})


@login_required
@require_POST
def lesson_mark_complete(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = get_object_or_404(published_lessons(), slug=slug)
    lesson_complete(user=request.user, lesson=lesson)
    return redirect("course:lesson", slug=slug)
