"""One error format for the whole API.

TODO(api-errors): every error response must have the body::

    {"error": {"code": "not_found", "status": 404, "details": "..."}}

``code`` is the error's code ("not_found", "method_not_allowed", "duplicate_tracking_code",
"carrier_unavailable"...; "invalid" for validation errors), ``status`` the HTTP status, and
``details`` a message, or the serializer's field errors for a 400. The settings already point
REST_FRAMEWORK["EXCEPTION_HANDLER"] at api_exception_handler below.

You will also need API exceptions for 409 Conflict and 503 Service Unavailable.
"""

from rest_framework.views import exception_handler


def api_exception_handler(exc, context):
    return exception_handler(exc, context)
