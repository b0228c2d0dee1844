import datetime
import hashlib
import secrets

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from accounts.models import INSTRUCTORS_GROUP, ApiToken, User

# What instructors may see and change in the admin; review pages check `is_instructor`.
INSTRUCTOR_PERMISSIONS = {
    "course": ["view_course", "view_lesson", "change_lesson", "view_lessonprogress"],
    "exercises": ["view_exercise", "change_exercise", "view_submission", "change_submission"],
    "accounts": ["view_user"],
}


def instructor_group_sync() -> Group:
    """Create the Instructors group if needed and give it exactly INSTRUCTOR_PERMISSIONS."""
    group, _ = Group.objects.get_or_create(name=INSTRUCTORS_GROUP)
    wanted = Permission.objects.filter(
        content_type__app_label__in=INSTRUCTOR_PERMISSIONS.keys(),
    ).select_related("content_type")
    perms = [p for p in wanted if p.codename in INSTRUCTOR_PERMISSIONS[p.content_type.app_label]]
    group.permissions.set(perms)
    return group


@transaction.atomic
def user_create(*, username: str, password: str, email: str = "") -> User:
    user = User(username=username, email=email)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def instructor_grant(*, user: User) -> None:
    """Make `user` an instructor: the Instructors group, plus staff so the admin opens."""
    user.groups.add(instructor_group_sync())
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("is_instructor", None)


# A token is "acd_" + 43 URL-safe characters (256 random bits); only its sha256 is stored.
API_TOKEN_PREFIX = "acd_"  # noqa: S105 (a label, not a secret)
# last_used_at is a hint for the learner, not an audit log: write it at most once a minute so
# that polling the status endpoint every second does not write every second.
API_TOKEN_TOUCH_SECONDS = 60


def api_token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str, expires_in: datetime.timedelta | None = None) -> tuple[ApiToken, str]:
    """Create a token for `user`. Returns the row and the raw secret, which is never stored."""
    raw = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken(
        user=user,
        name=name,
        key_hash=api_token_hash(raw),
        prefix=raw[len(API_TOKEN_PREFIX) : len(API_TOKEN_PREFIX) + 8],
        expires_at=now + expires_in if expires_in is not None else None,
    )
    token.full_clean(validate_constraints=False)
    token.save()
    return token, raw


def api_token_revoke(*, user: User, token_id: int) -> None:
    """Delete one of `user`'s own tokens. Raises ApiToken.DoesNotExist for anyone else's."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise ApiToken.DoesNotExist


def api_token_touch(*, token: ApiToken, now: datetime.datetime) -> None:
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= API_TOKEN_TOUCH_SECONDS:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
