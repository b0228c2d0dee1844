from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from course.markdown import lesson_render, lesson_segments
from course.models import KnowledgeCheck, Lesson
from course.selectors import course_progress_for_user, lesson_page, published_lessons
from course.services import check_answer, lesson_complete


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "course/home.html", {"progress": course_progress_for_user(user=request.user)})


@login_required
def lesson_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        page = lesson_page(slug=slug, user=request.user)
    except Lesson.DoesNotExist:
        raise Http404("No such lesson.") from None
    rendered = lesson_render(source=page.lesson.body, content_hash=page.lesson.content_hash)
    segments = lesson_segments(html=rendered.html, checks=page.checks)
    return render(request, "course/lesson_detail.html", {"page": page, "rendered": rendered, "segments": segments})


@login_required
@require_POST
def knowledge_check_answer(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """Check an answer instantly: JSON for the page's script, a redirect without JavaScript."""
    check = get_object_or_404(KnowledgeCheck.objects.filter(lesson__in=published_lessons()), lesson__slug=slug, key=key)
    try:
        chosen = int(request.POST.get("chosen", ""))
        answer = check_answer(user=request.user, check=check, chosen=chosen)
    except ValueError:
        if request.accepts("application/json") and not request.accepts("text/html"):
            return JsonResponse({"error": "Choose one of the options."}, status=400)
        messages.error(request, "Choose one of the options.")
        return redirect(f"{reverse('course:lesson', args=[slug])}#quiz-{key}")
    correct = chosen == check.answer
    if request.accepts("application/json") and not request.accepts("text/html"):
        return JsonResponse({"correct": correct, "explanation": check.explanation, "ever_correct": answer.is_correct})
    messages.success(request, "Correct!" if correct else "Not quite: read the explanation and try again.")
    return redirect(f"{reverse('course:lesson', args=[slug])}#quiz-{key}")


@login_required
@require_POST
def lesson_mark_complete(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = get_object_or_404(published_lessons(), slug=slug)
    lesson_complete(user=request.user, lesson=lesson)
    return redirect("course:lesson", slug=slug)
