"""One exception per kind of failure in supervision, each naming what to fix."""


class SupervisionError(Exception):
    """Base class: nothing was written."""


class SupervisionInputError(SupervisionError):
    """The data a comparison or a report needs is missing or inconsistent."""


class AcknowledgementRefused(SupervisionError):
    """An alert cannot be acknowledged: already acknowledged, no comment, or not allowed."""
