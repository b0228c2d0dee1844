from django.contrib.auth.models import Group, Permission
from django.db import transaction

from accounts.models import INSTRUCTORS_GROUP, User

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
