"""Accounts named in the reader's language on the ledger's pages.

The ledger stores each account's name as its opener gave it, in English, for the
audit trail, and knows nothing of regions or recipients (it imports no app). An app
that opens accounts registers a function naming its codes in the active language
(compensation names regions' and the central government's accounts, pass-through its
recipients'); the ledger's admin shows those names, and a code no app names keeps its
stored name.

    register(namer)          namer(codes: set[str]) -> {code: name} for the codes it knows
    names(codes)             -> {code: name} of every code some namer knows

Entries likewise: their stored descriptions are English; an app describes the entries it
posted, recognised by their cause ("settlement-run:12"), in the reader's language.

    register_entries(describer)   describer(entries: list[JournalEntry]) -> {entry id: text}
    descriptions(entries)         -> {entry id: text} of the entries some describer knows
"""

from collections.abc import Callable, Iterable

Namer = Callable[[set[str]], dict[str, str]]
_NAMERS: list[Namer] = []
_DESCRIBERS: list[Callable] = []


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


def register_entries(describer) -> None:
    """Add an entry describer once."""
    if describer not in _DESCRIBERS:
        _DESCRIBERS.append(describer)


def descriptions(entries) -> dict[int, str]:
    """Entry id -> its description in the active language, for the entries some describer
    knows; the others keep their stored description."""
    wanted = list(entries)
    described: dict[int, str] = {}
    for describer in _DESCRIBERS:
        described.update(describer([e for e in wanted if e.pk not in described]))
    return described
