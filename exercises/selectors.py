import dataclasses
from decimal import Decimal

from django.db.models import Count, FilteredRelation, Max, Q, QuerySet

from accounts.models import User
from exercises.models import Exercise, Submission


def for_viewer(submission: Submission, user: User) -> Submission:
    """A learner's own held submission shows no score and the verdict "held for review" until
    an instructor releases it (in memory only: never saved)."""
    if submission.held and not user.is_instructor:
        submission.score, submission.verdict = None, Submission.HELD_FOR_REVIEW
    return submission


def published(prefix: str = "") -> Q:
    """An exercise that learners see, reached through `prefix` (e.g. "exercise_progress__exercise__").

    Joins rather than a subquery: it can go inside an aggregate's filter, where SQL Server refuses
    subqueries (error 130).
    """
    return Q(**{f"{prefix}is_published": True, f"{prefix}lesson__is_published": True})


def published_exercises() -> QuerySet[Exercise]:
    return Exercise.objects.filter(published())


@dataclasses.dataclass(frozen=True)
class ExercisePage:
    exercise: Exercise
    submissions: list[Submission]

    @property
    def best_score(self) -> Decimal | None:
        scores = [s.score for s in self.submissions if s.score is not None and s.status == Submission.Status.GRADED]
        return max(scores, default=None)

    @property
    def attempts(self) -> int:
        return sum(s.counts_as_attempt for s in self.submissions)

    @property
    def attempts_left(self) -> int | None:
        """None when the exercise has no attempt limit."""
        limit = self.exercise.max_attempts
        return None if limit is None else max(0, limit - self.attempts)


def exercise_page(*, slug: str, user: User) -> ExercisePage:
    """A published exercise with the user's own submissions, newest first. Raises DoesNotExist."""
    exercise = published_exercises().select_related("lesson").get(slug=slug)
    submissions = list(Submission.objects.filter(exercise=exercise, user=user).defer("results").order_by("-created_at"))
    submissions = [for_viewer(submission, user) for submission in submissions]
    return ExercisePage(exercise=exercise, submissions=submissions)


def submission_visible_to(*, pk: int, user: User) -> Submission:
    """A submission its owner (or an instructor) may see. Raises DoesNotExist for anyone else."""
    submissions = Submission.objects.select_related("exercise", "exercise__lesson", "user")
    if not user.is_instructor:
        submissions = submissions.filter(user=user)
    return for_viewer(submissions.get(pk=pk), user)


def exercises_for_user(*, user: User) -> QuerySet[Exercise]:
    """Published exercises with the user's best score, attempts and grading state, in one query.

    Each row has `best_score`, `attempts_used`, `submissions_count`, `pending` (queued or
    running) and `last_submission_id`. The join is limited to the user's own submissions.
    """
    mine = FilteredRelation("submissions", condition=Q(submissions__user=user))
    return (
        published_exercises()
        .select_related("lesson")
        .alias(mine=mine)
        .annotate(
            best_score=Max("mine__score", filter=Q(mine__status=Submission.Status.GRADED, mine__held=False)),
            attempts_used=Count("mine", filter=Q(mine__counts_as_attempt=True)),
            submissions_count=Count("mine"),
            pending=Count("mine", filter=Q(mine__status__in=[Submission.Status.QUEUED, Submission.Status.RUNNING])),
            last_submission_id=Max("mine__pk"),
        )
        .order_by("lesson__order")
    )


def submissions_of(*, user: User, exercise_slug: str | None = None, limit: int = 50) -> list[Submission]:
    """The user's own submissions, newest first, without their (large) results."""
    submissions = Submission.objects.filter(user=user).select_related("exercise").defer("results")
    if exercise_slug is not None:
        submissions = submissions.filter(exercise__slug=exercise_slug)
    return [for_viewer(submission, user) for submission in submissions.order_by("-created_at", "-pk")[:limit]]


STATUS_FIELDS = (
    "pk",
    "user_id",
    "exercise_id",
    "status",
    "stage",
    "verdict",
    "score",
    "max_score",
    "held",
    "created_at",
)


def submission_status_visible_to(*, pk: int, user: User) -> Submission:
    """Only what the status endpoint shows, for a submission the user may see. Raises DoesNotExist."""
    submissions = Submission.objects.only(*STATUS_FIELDS)
    if not user.is_instructor:
        submissions = submissions.filter(user=user)
    return for_viewer(submissions.get(pk=pk), user)
