"""What every management command of ours does with what it is given, in one place.

A command line is user input like a form: text with a NUL or another control
character, a file name the system cannot open, an id written as "²" or a
year of twenty digits must end in a CommandError that names the argument
(a report and exit code 1), never in a traceback from the database or the
operating system. Every command of ours that takes arguments derives from
GuardedCommand, whose execute() checks each text argument before handle()
runs; file arguments are read with read_file, numbers with the argparse
types below. (setup_demo, setup_supervision_demo and verify_ledger take none.)
"""

import math
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilots.validators import control_character

# The years a command may be asked about (valuation, surveys, settlement periods).
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


def _texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


class GuardedCommand(BaseCommand):
    """A BaseCommand whose text arguments never hold control characters.

    Raises CommandError naming the argument and the character (as U+XXXX).
    """

    def execute(self, *args, **options):
        for name, value in [("argument", a) for a in args] + sorted(options.items()):
            for text in _texts(value):
                found = control_character(text)
                if found is not None:
                    raise CommandError(
                        f"{name.replace('_', '-')}: contains the control character "
                        f"U+{ord(found):04X}; give plain text."
                    )
        return super().execute(*args, **options)


def read_file(name: str) -> tuple[str, bytes]:
    """(file name, bytes) of the file `name`; CommandError if it is not a readable file."""
    path = Path(name)
    try:
        if not path.is_file():
            raise CommandError(f"{name[:200]} does not exist or is not a file.")
        return path.name, path.read_bytes()
    except OSError as exc:
        raise CommandError(f"{name[:200]} cannot be read: {exc.strerror}.") from None


def whole_number(text: str) -> int:
    """An argparse type: an id or a count, written in ASCII digits, 0 to 2**63 - 1."""
    if not (text.isascii() and text.isdigit()) or int(text) >= 2**63:
        raise ValueError(text)
    return int(text)


def year(text: str) -> int:
    """An argparse type: a year from EARLIEST_YEAR to LATEST_YEAR, written in ASCII digits."""
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise ValueError(text)
    if not EARLIEST_YEAR <= int(text) <= LATEST_YEAR:
        raise ValueError(text)
    return int(text)


def seconds(text: str) -> float:
    """An argparse type: a positive, finite number of seconds."""
    value = float(text)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(text)
    return value


whole_number.__name__ = "id"
year.__name__ = f"year ({EARLIEST_YEAR}-{LATEST_YEAR})"
seconds.__name__ = "positive number of seconds"
