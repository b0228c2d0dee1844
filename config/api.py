"""What every API view shares: the error format, the submission throttle and its headers, the schema.

Errors are always `{"error": {"code", "message", "details"}}`: the code is stable and meant for
programs (the CLI switches on it), the message is written for a person.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.schemas.openapi import AutoSchema, SchemaGenerator
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle, UserRateThrottle
from rest_framework.views import APIView, set_rollback
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


class ApiError(exceptions.APIException):
    """A refusal with a stable code, a learner-facing message and optional details."""

    def __init__(self, *, code: str, message: str, status_code: int = 400, details: dict | None = None) -> None:
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.details = details or {}


def error_body(code: str, message: str, details: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def _describe(exc: exceptions.APIException) -> tuple[str, str, dict]:
    if isinstance(exc, ApiError):
        return exc.get_codes(), str(exc.detail), exc.details
    if isinstance(exc, exceptions.ValidationError):
        details = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return "validation_error", "The request is invalid: see details for each field.", details
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait) if exc.wait is not None else None
        return "throttled", f"Too many requests: try again in {wait} s.", {"retry_after_seconds": wait}
    codes = exc.get_codes()
    return (codes if isinstance(codes, str) else exc.default_code), str(exc.detail), {}


def exception_handler(exc: Exception, context: dict) -> Response:
    """DRF's EXCEPTION_HANDLER: every error, including unexpected ones, in the one JSON shape."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)  # keeps WWW-Authenticate and Retry-After
    if response is None:
        logger.error("unhandled API error in %s", context.get("view"), exc_info=exc)
        set_rollback()
        return Response(
            error_body("server_error", "Something went wrong on the server; it has been logged."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    code, message, details = _describe(exc)
    response.data = error_body(code, message, details)
    return response


# Throttles read their rate when they run, not when the class is defined, so that tests (and
# `override_settings`) can change REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].
class _LiveRateMixin:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class SubmissionRateThrottle(_LiveRateMixin, UserRateThrottle):
    """Uploads per user (every upload is unpacked and validated, and may start a container)."""

    scope = "submissions"

    def allow_request(self, request, view) -> bool:
        allowed = super().allow_request(request, view)
        if self.rate is not None:
            used = len(self.history)
            reset = int(self.duration - (self.now - self.history[-1])) if self.history else 0
            request.rate_limit = {
                "limit": self.num_requests,
                "remaining": max(0, self.num_requests - used),
                "reset": max(0, reset),
            }
        return allowed


class TokenCreateRateThrottle(_LiveRateMixin, ScopedRateThrottle):
    """Password attempts per client address: slows down guessing."""

    scope = "token_create"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view) -> bool:
        # ScopedRateThrottle takes its scope from the view; this one has its own.
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.key = self.get_cache_key(request, view)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) >= self.num_requests:
            return self.throttle_failure()
        return self.throttle_success()


class RateLimitHeadersMixin:
    """Adds X-RateLimit-Limit/-Remaining/-Reset to responses of a view with SubmissionRateThrottle."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        limit = getattr(request, "rate_limit", None)
        if limit:
            response["X-RateLimit-Limit"] = str(limit["limit"])
            response["X-RateLimit-Remaining"] = str(limit["remaining"])
            response["X-RateLimit-Reset"] = str(limit["reset"])
        return response


ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "object"},
            },
        }
    },
}


class ApiSchema(AutoSchema):
    """OpenAPI for HackSoft-style views: bodies come from the nested Input/OutputSerializer.

    A view may set `output_many = True` (a JSON array), `query_serializer` (query parameters),
    `response_media_type` (a file download) and `success_status`.
    """

    def get_operation_id(self, path, method):
        name = type(self.view).__name__.removesuffix("Api")
        return name[0].lower() + name[1:]

    def get_operation(self, path, method):
        operation = super().get_operation(path, method)
        if not self.view.get_authenticators():
            operation["security"] = []  # e.g. creating a token: no token needed
        return operation

    def get_component_name(self, serializer):
        input_cls = getattr(self.view, "InputSerializer", None)
        role = "Input" if input_cls is not None and type(serializer) is input_cls else "Output"
        return type(self.view).__name__.removesuffix("Api") + role

    def get_request_serializer(self, path, method):
        cls = getattr(self.view, "InputSerializer", None)
        return cls() if cls else None

    def get_response_serializer(self, path, method):
        cls = getattr(self.view, "OutputSerializer", None)
        return cls() if cls else None

    def get_filter_parameters(self, path, method):
        cls = getattr(self.view, "FilterSerializer", None)
        if cls is None:
            return []
        parameters = []
        for field in cls().fields.values():
            parameters.append(
                {
                    "name": field.field_name,
                    "in": "query",
                    "required": field.required,
                    "description": str(field.help_text or ""),
                    "schema": self.map_field(field),
                }
            )
        return parameters

    def get_responses(self, path, method):
        view = self.view
        success = str(getattr(view, "success_status", 204 if method == "DELETE" else 201 if method == "POST" else 200))
        responses: dict = {}
        media_type = getattr(view, "response_media_type", None)
        if success == "204":
            responses[success] = {"description": "Done; no content."}
        elif media_type:
            responses[success] = {
                "description": "",
                "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        else:
            serializer = self.get_response_serializer(path, method)
            item = self.get_reference(serializer) if serializer is not None else {}
            body = {"type": "array", "items": item} if getattr(view, "output_many", False) else item
            responses[success] = {"description": "", "content": {"application/json": {"schema": body}}}
        responses["default"] = {
            "description": "An error: see docs/api.md for the codes.",
            "content": {"application/json": {"schema": ERROR_SCHEMA}},
        }
        return responses


class ApiSchemaGenerator(SchemaGenerator):
    def get_schema(self, request=None, public=False):
        schema = super().get_schema(request=request, public=public)
        schema.setdefault("components", {})["securitySchemes"] = {
            "token": {"type": "http", "scheme": "bearer", "description": "`Authorization: Token <token>` also works."}
        }
        schema["security"] = [{"token": []}]
        return schema


class ApiNotFound(APIView):
    """Any other path under /api/v1/: a JSON 404 rather than the site's HTML page."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    schema = None

    def dispatch(self, request, *args, **kwargs):
        # Every method, so that a wrong path is a 404 and never a 405.
        self.http_method_names = [*APIView.http_method_names]
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        raise exceptions.NotFound(f"There is no API endpoint at {request.path}.")

    post = put = patch = delete = head = options = get
