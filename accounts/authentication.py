"""`Authorization: Token <secret>` (or `Bearer <secret>`) for the API, against hashed ApiTokens."""

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from accounts.selectors import api_token_for_hash
from accounts.services import api_token_hash, api_token_touch

KEYWORDS = (b"token", b"bearer")


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None  # not ours: the request is anonymous
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Malformed Authorization header: send 'Token <your token>'.", code="invalid_token"
            )
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The token is not valid.", code="invalid_token") from None
        token = api_token_for_hash(key_hash=api_token_hash(raw))
        if token is None:
            raise exceptions.AuthenticationFailed(
                "The token is not valid (revoked or mistyped): run `academy login`.", code="invalid_token"
            )
        now = timezone.now()
        if token.expires_at is not None and token.expires_at <= now:
            raise exceptions.AuthenticationFailed(
                f"The token {token.name!r} expired at {token.expires_at:%Y-%m-%d %H:%M} UTC: run `academy login`.",
                code="token_expired",
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("This account is disabled.", code="user_inactive")
        api_token_touch(token=token, now=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Token realm="api"'
