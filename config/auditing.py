"""The audit trail's actor on every surface, the API's token-authenticated requests included."""

from auditlog.middleware import AuditlogMiddleware as StockAuditlogMiddleware
from django.utils.functional import SimpleLazyObject


class AuditlogMiddleware(StockAuditlogMiddleware):
    """django-auditlog's middleware, reading the actor when an entry is written.

    The stock middleware reads `request.user` before the view runs. The API
    authenticates inside the view (Django REST framework's token and session
    authentication), so changes made through it were logged with no actor
    (jazzband/django-auditlog#137). REST framework sets the user it
    authenticated on the Django request as well, so reading the user lazily,
    when the first log entry is saved, names the official on every surface:
    admin, pages and API. An anonymous request still logs no actor.
    """

    def get_extra_data(self, request):
        data = super().get_extra_data(request)
        data["actor"] = SimpleLazyObject(lambda: self._get_actor(request))
        return data
