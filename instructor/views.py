import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from exercises.models import Exercise, Submission
from exercises.selectors import published_exercises
from instructor import charts, exports
from instructor.heatmap import heatmap_rows
from instructor.models import RegradeBatch
from instructor.selectors import STATUSES, exercise_stats, learners, progress_matrix, submission_review
from instructor.services import (
    comment_create,
    regrade_discard,
    regrade_publish,
    regrade_start,
    submission_flag_set,
    submission_release,
)


def instructor_required(view):
    """Anonymous users go to log in; signed-in learners get a 403 and see nothing."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_instructor:
            raise PermissionDenied("Instructors only.")
        return view(request, *args, **kwargs)

    return wrapper


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@instructor_required
@require_GET
def matrix(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "all")
    status = status if status in STATUSES else "all"
    cohort = _int_or_none(request.GET.get("cohort"))
    data = progress_matrix(cohort_id=cohort, status=status, page=request.GET.get("page", 1))
    filters = request.GET.copy()
    filters.pop("page", None)
    context = {"matrix": data, "rows_html": heatmap_rows(data.rows), "statuses": STATUSES, "status": status,
               "cohort": cohort, "filters": filters.urlencode()}
    return render(request, "instructor/matrix.html", context)


@instructor_required
@require_GET
def learner_attempts(request: HttpRequest, user_id: int, slug: str) -> HttpResponse:
    learner = get_object_or_404(learners(), pk=user_id)
    exercise = get_object_or_404(Exercise, slug=slug)
    submissions = Submission.objects.filter(user=learner, exercise=exercise).defer("results").order_by("-created_at")
    return render(
        request, "instructor/attempts.html", {"learner": learner, "exercise": exercise, "submissions": submissions}
    )


@instructor_required
@require_GET
def stats(request: HttpRequest, slug: str) -> HttpResponse:
    exercise = get_object_or_404(published_exercises().select_related("lesson"), slug=slug)
    data = exercise_stats(exercise=exercise)
    histogram = charts.bar_chart(
        values=data.histogram, labels=[f"{10 * i}%" for i in range(10)], title="Learners by best score"
    )
    per_day = charts.bar_chart(
        values=[n for _, n in data.per_day],
        labels=[d.strftime("%d %b") for d, _ in data.per_day],
        title="Attempts per day",
    )
    return render(request, "instructor/stats.html", {"stats": data, "histogram": histogram, "per_day": per_day})


@instructor_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        submission = get_object_or_404(Submission, pk=pk)
        action = request.POST.get("action")
        if action == "comment" and request.POST.get("body", "").strip():
            comment_create(submission=submission, author=request.user, body=request.POST["body"])
        elif action in {"flag", "unflag"}:
            submission_flag_set(submission=submission, flagged=action == "flag", reason=request.POST.get("reason", ""))
        elif action == "release":
            submission_release(submission=submission)
        elif action == "regrade":
            regrade_start(
                exercise=submission.exercise,
                created_by=request.user,
                scope=RegradeBatch.Scope.SINGLE,
                submission=submission,
            )
        return redirect("instructor:review", pk=pk)
    try:
        data = submission_review(submission_id=pk, path=request.GET.get("path"))
    except Submission.DoesNotExist:
        raise Http404("No such submission.") from None
    return render(request, "instructor/review.html", {"review": data, "submission": data.submission})


@instructor_required
def regrade_new(request: HttpRequest, slug: str) -> HttpResponse:
    exercise = get_object_or_404(Exercise, slug=slug)
    if request.method == "POST":
        scope = request.POST.get("scope")
        if scope not in {RegradeBatch.Scope.LATEST, RegradeBatch.Scope.BEST}:
            return render(
                request,
                "instructor/regrade_new.html",
                {"exercise": exercise, "error": "Choose the latest or the best submissions."},
                status=400,
            )
        batch = regrade_start(exercise=exercise, created_by=request.user, scope=scope)
        return redirect("instructor:regrade", pk=batch.pk)
    return render(request, "instructor/regrade_new.html", {"exercise": exercise})


@instructor_required
def regrade_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(RegradeBatch.objects.select_related("exercise"), pk=pk)
    if request.method == "POST":
        if request.POST.get("action") == "publish":
            regrade_publish(batch=batch)
        elif request.POST.get("action") == "discard":
            regrade_discard(batch=batch)
        return redirect("instructor:regrade", pk=pk)
    items = list(batch.items.select_related("submission__user").order_by("pk"))
    done = sum(item.status != "pending" for item in items)
    context = {
        "batch": batch,
        "items": items,
        "changed": [i for i in items if i.changed],
        "done": done,
        "total": len(items),
        "finished": done == len(items),
    }
    return render(request, "instructor/regrade.html", context)


@instructor_required
@require_GET
def regrade_progress(request: HttpRequest, pk: int) -> JsonResponse:
    batch = get_object_or_404(RegradeBatch, pk=pk)
    total = batch.items.count()
    pending = batch.items.filter(status="pending").count()
    return JsonResponse({"done": total - pending, "total": total, "finished": pending == 0})


@instructor_required
@require_GET
def gradebook_csv(request: HttpRequest) -> StreamingHttpResponse:
    exercises = list(published_exercises().select_related("lesson").order_by("lesson__order"))
    response = StreamingHttpResponse(exports.gradebook_rows(exercises=exercises), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="gradebook-{timezone.now():%Y%m%d}.csv"'
    return response


@instructor_required
@require_GET
def submissions_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    exercise = get_object_or_404(Exercise, slug=slug)
    response = StreamingHttpResponse(exports.submission_rows(exercise=exercise), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{exercise.slug}-submissions.csv"'
    return response
