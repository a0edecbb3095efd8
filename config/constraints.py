"""Database constraints explained at the field they are about, in the user's language.

Every rule the database enforces is also checked when a form (admin or page)
validates a model, but Django reports a CheckConstraint at the top of the
form by its name ("约束 “compensation_price_positive” 是无效的"). Here:

- a CheckConstraint that is a plain AND of comparisons of a field with a
  constant or another field (price > 0, 0 ≤ coefficient ≤ 1, last_unit ≥
  first_unit) is explained at each field whose comparison fails, with the
  bound: "须大于 0。", "不得小于 起始序号。";
- any other constraint carries its own violation_error_message (shown as
  written, at its single field when it names one), and
  tests/config/test_constraint_messages.py fails on a constraint that has
  neither shape nor message.

`explain_constraints(app_config)` installs this on the app's models; each of
our apps calls it from AppConfig.ready().
"""

import operator
import re

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import router
from django.db.models import CheckConstraint, F, Q, UniqueConstraint
from django.utils.translation import gettext_lazy as _

COMPARISONS = {
    "gt": (operator.gt, _("Must be greater than %(bound)s.")),
    "gte": (operator.ge, _("Must be at least %(bound)s.")),
    "lt": (operator.lt, _("Must be less than %(bound)s.")),
    "lte": (operator.le, _("Must be at most %(bound)s.")),
    "in": (lambda value, choices: value in choices, _("Must be one of %(bound)s.")),
    "regex": (lambda value, pattern: re.search(pattern, str(value)) is not None, None),
}
BAD_FORM = _("Does not have the required form.")


def comparisons(condition) -> list[tuple[str, str, object]] | None:
    """(field, lookup, bound) of a condition that ANDs simple comparisons, else None."""
    if not isinstance(condition, Q) or condition.negated:
        return None
    if condition.connector != Q.AND and len(condition.children) > 1:
        return None
    found = []
    for child in condition.children:
        if isinstance(child, Q):
            inner = comparisons(child)
            if inner is None:
                return None
            found += inner
            continue
        lookup, bound = child
        field, _sep, kind = lookup.partition("__")
        if kind not in COMPARISONS:
            return None
        found.append((field, kind, bound))
    return found


def has_own_message(constraint) -> bool:
    return constraint.violation_error_message != constraint.default_violation_error_message


def _bound_text(model, bound) -> str:
    if isinstance(bound, F):
        return str(model._meta.get_field(bound.name).verbose_name)
    if isinstance(bound, (list, tuple, set)):
        return "、".join(str(choice) for choice in bound)
    return str(bound)


def _explained(model, instance, constraint, error) -> dict:
    """{field or NON_FIELD_ERRORS: [messages]} for one violated constraint."""
    if isinstance(constraint, UniqueConstraint) and len(constraint.fields) == 1:
        return {constraint.fields[0]: [error]}
    found = comparisons(constraint.condition) if isinstance(constraint, CheckConstraint) else None
    if found is None or has_own_message(constraint):
        fields = {f for f, _k, _b in found or []}
        return {fields.pop() if len(fields) == 1 else NON_FIELD_ERRORS: [error]}
    errors: dict = {}
    for field, kind, bound in found:
        value = getattr(instance, field, None)
        limit = getattr(instance, bound.name, None) if isinstance(bound, F) else bound
        if value is None or limit is None:
            continue
        test, message = COMPARISONS[kind]
        if not test(value, limit):
            text = message % {"bound": _bound_text(model, bound)} if message else BAD_FORM
            errors.setdefault(field, []).append(ValidationError(text, code=constraint.name))
    return errors or {NON_FIELD_ERRORS: [error]}


def validate_constraints(self, exclude=None):
    """Model.validate_constraints, with each violation explained where it belongs."""
    using = router.db_for_write(type(self), instance=self)
    errors: dict = {}
    for model, constraints in self.get_constraints():
        for constraint in constraints:
            try:
                constraint.validate(model, self, exclude=exclude, using=using)
            except ValidationError as error:
                for key, messages in _explained(model, self, constraint, error).items():
                    errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def explain_constraints(app_config) -> None:
    """Give every model of the app that has constraints the explaining validate_constraints."""
    for model in app_config.get_models():
        if model._meta.constraints:
            model.validate_constraints = validate_constraints
