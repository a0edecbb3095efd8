"""One exception per kind of refusal in pass-through; nothing was written when one is raised."""

from compensation.exceptions import CompensationError


class PassThroughError(CompensationError):
    """Base class: the message says what to fix, in the user's language."""


class RecipientRefused(PassThroughError):
    """A recipient cannot be stored: wrong region, zone of another region, duplicate code."""


class PlanRefused(PassThroughError):
    """A sub-allocation plan step is refused: run not posted, wrong state, user or weights."""
