import dataclasses
from decimal import Decimal

from django.db.models import QuerySet

from accounts.models import User
from exercises.models import Exercise, Submission


def published_exercises() -> QuerySet[Exercise]:
    return Exercise.objects.filter(is_published=True, lesson__is_published=True)


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


def exercise_page(*, slug: str, user: User) -> ExercisePage:
    """A published exercise with the user's own submissions, newest first. Raises DoesNotExist."""
    exercise = published_exercises().select_related("lesson").get(slug=slug)
    submissions = list(Submission.objects.filter(exercise=exercise, user=user).defer("results").order_by("-created_at"))
    return ExercisePage(exercise=exercise, submissions=submissions)


def submission_visible_to(*, pk: int, user: User) -> Submission:
    """A submission its owner (or an instructor) may see. Raises DoesNotExist for anyone else."""
    submissions = Submission.objects.select_related("exercise", "exercise__lesson", "user")
    if not user.is_instructor:
        submissions = submissions.filter(user=user)
    return submissions.get(pk=pk)
