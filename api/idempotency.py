"""The one idempotency helper for API writes that move money or tonnes or start a run.

A client sends `Idempotency-Key: <1-255 printable characters>` with the write.
The first request with a key runs and, if it succeeds (2xx), its response is
stored with the user, method, path and the SHA-256 of the canonical body. The
same key and body again gets the stored response back, marked
`Idempotent-Replayed: true`, and nothing runs twice; the same key with another
body, method or path is 409. A refused request (4xx) stores nothing, so the
client may fix the cause and retry with the same key. Keys belong to one
user: another user's key of the same text is a different key.
"""

import functools
import hashlib
import json
import re

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response

from api.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEY_FORMAT = re.compile(r"^[\x21-\x7e]{1,255}$")


class IdempotencyConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _(
        "This Idempotency-Key was already used for a different request; "
        "use a new key for a new request."
    )
    default_code = "idempotency_conflict"


def canonical_sha256(data) -> str:
    """SHA-256 of the body as canonical JSON: key order and whitespace do not matter."""
    if hasattr(data, "lists"):  # a form's QueryDict
        data = {key: values for key, values in data.lists()}
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode()).hexdigest()


def _key_of(request) -> str:
    key = request.headers.get(HEADER, "")
    if not KEY_FORMAT.match(key):
        raise ValidationError(
            {
                HEADER: [
                    _(
                        "Send an Idempotency-Key header of 1 to 255 printable ASCII characters "
                        "(a UUID, for instance) with this request."
                    )
                ]
            }
        )
    return key


def _replay(record: IdempotencyRecord, method: str, path: str, digest: str) -> Response:
    if (record.method, record.path, record.request_sha256) != (method, path, digest):
        raise IdempotencyConflict
    return Response(
        json.loads(record.response_body), status=record.status_code, headers={REPLAYED: "true"}
    )


def idempotent(action):
    """Decorate a view action: run it at most once per user and Idempotency-Key."""

    @functools.wraps(action)
    def wrapper(view, request, *args, **kwargs):
        key = _key_of(request)
        digest = canonical_sha256(request.data)
        method, path = request.method, request.path
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        user=request.user, key=key, method=method, path=path, request_sha256=digest
                    )
            except IntegrityError:
                stored = IdempotencyRecord.objects.get(user=request.user, key=key)
                return _replay(stored, method, path, digest)
            request.idempotency_record = record
            response = action(view, request, *args, **kwargs)
            if not status.is_success(response.status_code):
                transaction.set_rollback(True)
                return response
            record.status_code = response.status_code
            record.response_body = json.dumps(response.data, cls=DjangoJSONEncoder)
            record.save(update_fields=["status_code", "response_body"])
        return response

    wrapper.idempotent = True  # api.schema documents the header and the 409
    return wrapper
