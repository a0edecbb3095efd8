"""The OpenAPI schema's shared parts: problem-details responses and the Idempotency-Key header.

Every operation documents the errors it can answer with, as
application/problem+json; writes that take an Idempotency-Key document the
header (required) and the 409 of a key reused for another request.
"""

from http import HTTPStatus

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework import serializers

from api.errors import TYPE_BASE, TYPES
from api.idempotency import HEADER

PROBLEM = "application/problem+json"
READ_ERRORS = {
    "400": _("Invalid filter or query parameter."),
    "401": _("No or invalid credentials."),
    "403": _("Your role may not do this."),
    "404": _("No such object, or not in your regions."),
}
WRITE_ERRORS = {
    **READ_ERRORS,
    "400": _("Invalid input, or refused by the service; `detail` says why."),
    "429": _("Too many requests; retry after the time in Retry-After."),
}
IDEMPOTENT_ERRORS = {
    **WRITE_ERRORS,
    "409": _("This Idempotency-Key was used for a different request, or this was already done."),
}
IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=True,
    description=str(
        _(
            "A unique key per intended operation (a UUID). Repeating the request with the same "
            "key and body returns the first response (Idempotent-Replayed: true) without doing "
            "the work again; the same key with a different body is 409."
        )
    ),
    examples=[OpenApiExample("uuid", value="6f1c2a4e-3b7d-4c1e-9a55-0d2b8f4e7c10")],
)


class ProblemSerializer(serializers.Serializer):
    type = serializers.URLField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ProblemAutoSchema(AutoSchema):
    """Problem responses and the Idempotency-Key on every operation.

    A view with `answers_one_object = True` answers its `list` with one object (balances
    of one owner), not an array: the schema says so. Only reads are paginated: a write
    that answers with a list (monitoring rows recorded) answers with a plain array.
    """

    def _is_list_view(self, serializer=None):
        if getattr(self.view, "answers_one_object", False):
            return False
        return super()._is_list_view(serializer)

    def _get_paginator(self):
        return super()._get_paginator() if self.method == "GET" else None

    def _handler(self):
        name = getattr(self.view, "action", None) or self.method.lower()
        return getattr(self.view, name, None)

    def _idempotent(self) -> bool:
        return getattr(self._handler(), "idempotent", False)

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        return [*parameters, IDEMPOTENCY_KEY] if self._idempotent() else parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self._idempotent():
            errors = IDEMPOTENT_ERRORS
        elif self.method in ("GET", "HEAD"):
            errors = READ_ERRORS
        else:
            errors = WRITE_ERRORS
        problem = self.resolve_serializer(ProblemSerializer, direction).ref
        for code, description in errors.items():
            example = {
                "type": f"{TYPE_BASE}{TYPES.get(int(code), 'error')}",
                "title": HTTPStatus(int(code)).phrase,
                "status": int(code),
                "detail": str(description),
                "errors": {},
            }
            content = {"schema": problem, "examples": {"problem": {"value": example}}}
            responses.setdefault(
                code, {"content": {PROBLEM: content}, "description": str(description)}
            )
        return responses
