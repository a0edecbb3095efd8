"""Every API error as problem details (RFC 9457): type, title, status, detail, field errors.

Services refuse with a CompensationError (or SupervisionError) whose message says what to fix; an
import refuses a file with a report. Both become 400 problem details carrying
that message, in the request's language like every other message.
"""

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from rest_framework import status as http
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.views import exception_handler

from compensation.exceptions import CompensationError
from pilots.imports import ImportRejected
from supervision.exceptions import SupervisionError

TYPES = {
    http.HTTP_400_BAD_REQUEST: "invalid-request",
    http.HTTP_401_UNAUTHORIZED: "not-authenticated",
    http.HTTP_403_FORBIDDEN: "forbidden",
    http.HTTP_404_NOT_FOUND: "not-found",
    http.HTTP_405_METHOD_NOT_ALLOWED: "method-not-allowed",
    http.HTTP_406_NOT_ACCEPTABLE: "not-acceptable",
    http.HTTP_409_CONFLICT: "conflict",
    http.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "unsupported-media-type",
    http.HTTP_429_TOO_MANY_REQUESTS: "throttled",
}
TYPE_BASE = "https://tanhui.example.org/problems/"


class Refused(APIException):
    """A service refused the request; its message says why and what to do."""

    status_code = http.HTTP_400_BAD_REQUEST
    default_detail = _("The request was refused.")
    default_code = "refused"


class AlreadyDone(APIException):
    """The request would change nothing: what it asks for was done before (409)."""

    status_code = http.HTTP_409_CONFLICT
    default_detail = _("This was already done.")
    default_code = "already_done"


def _line(problem) -> str:
    if problem.feature is None:
        return str(problem.message)
    return _("row %(row)s: %(message)s") % {"row": problem.feature, "message": problem.message}


def _as_api_exception(exc):
    if isinstance(exc, CompensationError | SupervisionError):
        return Refused(str(exc))
    if isinstance(exc, ImportRejected):
        return ValidationError({"file": [_line(problem) for problem in exc.report.problems]})
    return exc


def problem_details(exc, context):
    exc = _as_api_exception(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    field_errors = {}
    if isinstance(data, dict) and "detail" in data and len(data) == 1:
        detail = str(data["detail"])
    elif isinstance(data, dict):
        field_errors = {
            key: [str(m) for m in (v if isinstance(v, list) else [v])] for key, v in data.items()
        }
        detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in field_errors.items())
    else:
        detail = " ".join(str(item) for item in data)
    kind = "refused" if isinstance(exc, Refused) else TYPES.get(response.status_code, "error")
    response.data = {
        "type": f"{TYPE_BASE}{kind}",
        "title": response.status_text,
        "status": response.status_code,
        "detail": detail,
        "errors": field_errors,
    }
    response.content_type = "application/problem+json"
    return response


def not_found(request, exception):
    """Django's 404 handler: under /api/ a problem+json 404 like the API's own, else the page.

    A path no route matches (a malformed id, a control character) never reaches a view.
    """
    if not request.path.startswith("/api/"):
        return defaults.page_not_found(request, exception)
    return JsonResponse(
        {
            "type": f"{TYPE_BASE}{TYPES[http.HTTP_404_NOT_FOUND]}",
            "title": "Not Found",
            "status": http.HTTP_404_NOT_FOUND,
            "detail": str(NotFound.default_detail),
            "errors": {},
        },
        status=http.HTTP_404_NOT_FOUND,
        content_type="application/problem+json",
    )
