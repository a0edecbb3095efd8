"""Every API error as problem details (RFC 9457): type, title, status, detail, field errors."""

from rest_framework import status as http
from rest_framework.views import exception_handler

TYPES = {
    http.HTTP_400_BAD_REQUEST: "invalid-request",
    http.HTTP_401_UNAUTHORIZED: "not-authenticated",
    http.HTTP_403_FORBIDDEN: "forbidden",
    http.HTTP_404_NOT_FOUND: "not-found",
    http.HTTP_405_METHOD_NOT_ALLOWED: "method-not-allowed",
    http.HTTP_409_CONFLICT: "conflict",
    http.HTTP_429_TOO_MANY_REQUESTS: "throttled",
}


def problem_details(exc, context):
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
    response.data = {
        "type": f"https://tanhui.example.org/problems/{TYPES.get(response.status_code, 'error')}",
        "title": response.status_text,
        "status": response.status_code,
        "detail": detail,
        "errors": field_errors,
    }
    response.content_type = "application/problem+json"
    return response
