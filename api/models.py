"""What the API remembers: the outcome of each write sent with an Idempotency-Key."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    """One key of one user: the request it was first used for and the response it got.

    The row is inserted before the work runs, in the same transaction, so a
    concurrent duplicate waits on the unique index and then finds the stored
    response instead of running the work a second time.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("user")
    )
    key = models.CharField(_("idempotency key"), max_length=255)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    request_sha256 = models.CharField(_("request body SHA-256"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("response status"), null=True)
    # The rendered JSON as text: jsonb would reorder the keys of the replayed body.
    response_body = models.TextField(_("response body"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_key_per_user"),
        ]

    def __str__(self):
        return f"{self.user_id}:{self.key}"
