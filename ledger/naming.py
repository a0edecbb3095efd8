"""Accounts named in the reader's language on the ledger's pages.

The ledger stores each account's name as its opener gave it, in English, for the
audit trail, and knows nothing of regions or recipients (it imports no app). An app
that opens accounts registers a function naming its codes in the active language
(compensation names regions' and the central government's accounts, pass-through its
recipients'); the ledger's admin shows those names, and a code no app names keeps its
stored name.

    register(namer)          namer(codes: set[str]) -> {code: name} for the codes it knows
    names(codes)             -> {code: name} of every code some namer knows
"""

from collections.abc import Callable, Iterable

Namer = Callable[[set[str]], dict[str, str]]
_NAMERS: list[Namer] = []


def register(namer: Namer) -> None:
    """Add a namer once (an app's ready() may run more than once in tests)."""
    if namer not in _NAMERS:
        _NAMERS.append(namer)


def names(codes: Iterable[str]) -> dict[str, str]:
    """Names of the codes some registered namer knows, in the active language."""
    wanted = set(codes)
    named: dict[str, str] = {}
    for namer in _NAMERS:
        named.update(namer(wanted - named.keys()))
    return named
