"""The one kind of failure of a release step; nothing was written when it is raised."""


class ReleaseRefused(Exception):
    """A release step is refused: wrong role, the proposer approving, wrong state or target.

    The message says what to do instead, in the active language."""
