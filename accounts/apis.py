import datetime

from django.contrib.auth import authenticate
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ApiToken
from accounts.selectors import api_tokens_of
from accounts.services import api_token_create, api_token_revoke
from config.api import TokenCreateRateThrottle


class TokenCreateApi(APIView):
    """Exchange a username and password for a new token. The token is in this response only."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenCreateRateThrottle]

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=4096, trim_whitespace=False)
        name = serializers.CharField(max_length=100, default="academy-cli")
        expires_in_days = serializers.IntegerField(min_value=1, max_value=3650, required=False, allow_null=True)

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()
        token = serializers.CharField(help_text="The secret: shown once, stored only as a hash.")
        prefix = serializers.CharField()
        created_at = serializers.DateTimeField()
        expires_at = serializers.DateTimeField(allow_null=True)

    def get_authenticate_header(self, request) -> str:
        return 'Token realm="api"'  # wrong credentials are a 401, as for a bad token

    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None:
            raise exceptions.AuthenticationFailed("Wrong username or password.", code="invalid_credentials")
        days = data.get("expires_in_days")
        token, raw = api_token_create(
            user=user, name=data["name"], expires_in=datetime.timedelta(days=days) if days else None
        )
        output = self.OutputSerializer({**vars(token), "token": raw})
        return Response(output.data, status=status.HTTP_201_CREATED)


class TokenListApi(APIView):
    output_many = True

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()
        prefix = serializers.CharField()
        created_at = serializers.DateTimeField()
        last_used_at = serializers.DateTimeField(allow_null=True)
        expires_at = serializers.DateTimeField(allow_null=True)
        current = serializers.BooleanField(help_text="The token this request was made with.")

    def get(self, request):
        tokens = api_tokens_of(user=request.user)
        current = getattr(request.auth, "pk", None)
        rows = [{**vars(token), "current": token.pk == current} for token in tokens]
        return Response(self.OutputSerializer(rows, many=True).data)


class TokenRevokeApi(APIView):
    """Revoke one of your tokens (`academy logout` revokes its own)."""

    def delete(self, request, token_id: int):
        try:
            api_token_revoke(user=request.user, token_id=token_id)
        except ApiToken.DoesNotExist:
            raise exceptions.NotFound("You have no token with this id.") from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        username = serializers.CharField()
        email = serializers.EmailField()
        is_instructor = serializers.BooleanField()
        date_joined = serializers.DateTimeField()

    def get(self, request):
        return Response(self.OutputSerializer(request.user).data)
