from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from exercises.archive import ArchiveRejected
from exercises.feedback import feedback_for
from exercises.forms import SubmissionForm
from exercises.models import Exercise, Submission
from exercises.selectors import exercise_page, published_exercises, submission_visible_to
from exercises.services import SubmissionNotAllowed, starter_zip, submission_create
from grader.services import queue_position


@login_required
def exercise_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        page = exercise_page(slug=slug, user=request.user)
    except Exercise.DoesNotExist:
        raise Http404("No such exercise.") from None
    form = SubmissionForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                submission = submission_create(
                    user=request.user, exercise=page.exercise, upload=form.cleaned_data["archive"]
                )
            except (ArchiveRejected, SubmissionNotAllowed) as exc:
                form.add_error("archive", str(exc))
            else:
                return redirect("exercises:submission", pk=submission.pk)
        status = 400
    return render(request, "exercises/exercise_detail.html", {"page": page, "form": form}, status=status)


@login_required
@require_GET
def starter_download(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        exercise = published_exercises().get(slug=slug)
    except Exercise.DoesNotExist:
        raise Http404("No such exercise.") from None
    response = HttpResponse(starter_zip(exercise=exercise), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{exercise.slug}-starter.zip"'
    return response


def _submission_or_404(request: HttpRequest, pk: int) -> Submission:
    try:
        return submission_visible_to(pk=pk, user=request.user)
    except Submission.DoesNotExist:
        raise Http404("No such submission.") from None


@login_required
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission_or_404(request, pk)
    revealed = request.user.is_instructor or submission.exercise.hidden_details_revealed(timezone.now())
    context = {
        "submission": submission,
        "feedback": feedback_for(submission=submission, show_hidden_details=revealed),
        "queue_position": queue_position(submission=submission),
        "comments": list(submission.comments.select_related("author")),
    }
    return render(request, "exercises/submission_detail.html", context)


@login_required
@require_GET
def submission_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Polled every second by the submission page while grading: two small queries."""
    submission = _submission_or_404(request, pk)
    return JsonResponse(
        {
            "id": submission.pk,
            "status": submission.status,
            "stage": submission.stage,
            "queue_position": queue_position(submission=submission),
            "verdict": submission.verdict,
            "score": str(submission.score) if submission.score is not None else None,
            "max_score": submission.max_score,
            "done": submission.is_terminal,
            "url": reverse("exercises:submission", args=[submission.pk]),
        }
    )
