from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef

from accounts.models import INSTRUCTORS_GROUP, ApiToken, User


def api_token_for_hash(*, key_hash: str) -> ApiToken | None:
    """The token with this hash and its user, with the user's instructor role, in one query."""
    in_group = Group.objects.filter(name=INSTRUCTORS_GROUP, user=OuterRef("user"))
    token = ApiToken.objects.select_related("user").annotate(user_in_instructors=Exists(in_group))
    token = token.filter(key_hash=key_hash).first()
    if token is not None:
        user = token.user
        # Fills User.is_instructor's cached_property with the same rule, without its own query.
        user.__dict__["is_instructor"] = user.is_active and (user.is_superuser or token.user_in_instructors)
    return token


def api_tokens_of(*, user: User) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user).order_by("-created_at"))
