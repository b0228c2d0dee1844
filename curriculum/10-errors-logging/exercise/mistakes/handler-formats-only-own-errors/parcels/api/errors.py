"""One error format for the whole API.

Every error response has the body::

    {"error": {"code": "not_found", "status": 404, "details": "..."}}

``details`` is a message, or the serializer's field errors for a 400.
"""

from rest_framework import status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.views import exception_handler


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class ServiceUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "A service we depend on is unavailable; try again later."
    default_code = "service_unavailable"


def api_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None  # not an API exception: Django's 500 handling logs it
    if not isinstance(exc, Conflict | ServiceUnavailable | NotFound | ValidationError):
        return response
    if isinstance(exc, ValidationError):
        code, details = "invalid", response.data
    else:
        detail = getattr(exc, "detail", None)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        details = str(detail) if detail is not None else str(response.data)
    response.data = {"error": {"code": code, "status": response.status_code, "details": details}}
    return response
