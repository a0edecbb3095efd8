"""Every command of ours, fed hostile arguments and files: a clean refusal, nothing stored.

The commands are enumerated from Django's registry (so a new command is covered
without being listed here); each argument in turn gets each hostile value while
the others name real objects, so that the value reaches the command's own checks.
A refusal is a CommandError (a report, exit code 1), never a traceback.
"""

import argparse
import re

import pytest
from django.core.management import (
    BaseCommand,
    CommandError,
    call_command,
    get_commands,
    load_command_class,
)
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compensation.models import Agreement
from pilots.management.arguments import GuardedCommand
from tests.conftest import OUR_APPS, stored_rows
from tests.factories import UPSTREAM, UserFactory
from tests.hostile import NOT_NUMBERS, TALLY, text_with_control_character, too_long
from tests.inputs import BAD_INPUTS

# Commands without arguments have nothing hostile to be given.
WITHOUT_ARGUMENTS = {
    "setup_demo",
    "setup_supervision_demo",
    "setup_disclosure_demo",
    "setup_passthrough_demo",
    "verify_ledger",
}
# Generated command-line values: what hostile.py generates for any text, numbers written
# in every wrong way, and digits from other scripts.
ARGUMENT_VALUES = st.one_of(
    NOT_NUMBERS,
    text_with_control_character(),
    too_long(300),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text(alphabet="０１２３４５６７８９²³١٢", min_size=1, max_size=8),
)
FAILED_RUN = re.compile(r"Run #\d+ failed: ")
HOSTILE_VALUES = (
    "1e400",
    "99999999999999999999",
    "-1",
    "NaN",
    "inf",
    "1.5",
    "²",
    "",
    " ",
    "\x00",
    "341000\x00",
    "街" * 10_000,
    "'; DROP TABLE pilots_region; --",
)


def our_commands() -> list[str]:
    return sorted(name for name, app in get_commands().items() if app in OUR_APPS)


def parser_actions(variant: str) -> list:
    """The own arguments (not Django's --verbosity and the like) of a command, or of one
    step of a command with sub-commands ("verify_sink approve")."""
    name, _, step = variant.partition(" ")
    parser = load_command_class(get_commands()[name], name).create_parser("manage.py", name)
    theirs = {a.dest for a in BaseCommand().create_parser("manage.py", name)._actions}
    actions = [a for a in parser._actions if a.dest not in theirs]
    if step:
        steps = next(a for a in actions if isinstance(a, argparse._SubParsersAction))
        return [a for a in steps.choices[step]._actions if a.dest not in theirs]
    return actions


def variants() -> list[str]:
    """Each command of ours that takes arguments; each step of one with sub-commands."""
    found = []
    for name in sorted(set(our_commands()) - WITHOUT_ARGUMENTS):
        steps = [a for a in parser_actions(name) if isinstance(a, argparse._SubParsersAction)]
        found += [f"{name} {step}" for a in steps for step in a.choices] or [name]
    return found


def arguments(variant: str) -> list[str]:
    """The dests of the arguments that take a value."""
    return [a.dest for a in parser_actions(variant) if a.nargs != 0]


@pytest.fixture
def command_world(programme, tmp_path):
    agreement = Agreement.objects.create(programme=programme, name="新安江", rule="carbon")
    UserFactory(username="clerk", group=None)
    good_file = tmp_path / "empty.csv"
    good_file.write_bytes(b"")
    return {
        "file": str(good_file),
        "programme": programme.pk,
        "agreement": agreement.pk,
        "pilot": str(programme.pk),
        "run": 1,
        "user": "clerk",
        "region": UPSTREAM,
        "year": 2024,
        "period": "2024",
        "codes": [UPSTREAM],
        "inline": True,
        "valuation": 1,
        "verification": 1,
        "reason": "checked",
    }


def call(variant: str, values: dict):
    """call_command with these values as the command line would give them."""
    name, _, step = variant.partition(" ")
    actions = {a.dest: a for a in parser_actions(variant)}
    positional, options = [], []
    for dest, value in values.items():
        flag = actions[dest].option_strings[:1]
        if value is True:
            options += flag
        elif not flag:
            positional += [str(v) for v in value] if isinstance(value, list) else [str(value)]
        else:
            options += [*flag, str(value)]
    return call_command(name, *([step] if step else []), *positional, *options)


def refused_cleanly(name: str, values: dict) -> tuple[bool | str, bool]:
    """(True if refused with a CommandError, False if it ran, else the exception), and
    whether a run was started and its calculation then failed (the world's pilot has no
    valuations): the failed run is kept on record by design."""
    try:
        call(name, values)
    except CommandError as exc:
        return True, FAILED_RUN.search(str(exc)) is not None
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc)[:80]}", False
    return False, False


def test_every_command_with_arguments_guards_them():
    assert set(our_commands()) >= {"import_agreement", "import_monitoring", "verify_statement"}
    for name in our_commands():
        command = load_command_class(get_commands()[name], name)
        if name in WITHOUT_ARGUMENTS:
            assert parser_actions(name) == [], name
        else:
            assert isinstance(command, GuardedCommand), name


@pytest.mark.parametrize("name", variants())
def test_hostile_arguments_are_refused_cleanly_and_store_nothing(name, command_world):
    own = arguments(name)
    base = {
        d: command_world[d] for d in [a.dest for a in parser_actions(name)] if d in command_world
    }
    tried, crashes = 0, []
    for dest in own:
        for value in HOSTILE_VALUES:
            values = dict(base)
            values[dest] = [value] if dest == "codes" else value
            before = stored_rows()
            refused, calculated = refused_cleanly(name, values)
            tried += 1
            stored = refused is True and not calculated and stored_rows() != before
            TALLY.record("commands", server_error=isinstance(refused, str), stored=stored)
            if isinstance(refused, str):
                crashes.append((dest, value[:20], refused))
            assert not stored, (name, dest, value)
    assert tried
    assert crashes == [], crashes


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_generated_arguments_are_refused_cleanly_and_store_nothing(command_world, data):
    name = data.draw(st.sampled_from(variants()), label="command")
    dest = data.draw(st.sampled_from(arguments(name)), label="argument")
    value = data.draw(ARGUMENT_VALUES, label="value")
    values = {
        d: command_world[d] for d in [a.dest for a in parser_actions(name)] if d in command_world
    }
    values[dest] = [value] if dest == "codes" else value
    before = stored_rows()
    with transaction.atomic():
        refused, calculated = refused_cleanly(name, values)
        stored = refused is True and not calculated and stored_rows() != before
        TALLY.record("commands", server_error=isinstance(refused, str), stored=stored)
        assert not isinstance(refused, str), refused
        assert not stored
        transaction.set_rollback(True)


@pytest.mark.parametrize("name", ["import_agreement", "import_monitoring", "verify_statement"])
def test_every_bad_input_file_is_refused_cleanly(name, command_world):
    corpus = [p for p in sorted(BAD_INPUTS.iterdir()) if p.suffix != ".md"]
    own = arguments(name)
    for path in corpus:
        values = {d: command_world[d] for d in own if d in command_world}
        values["file"] = str(path)
        before = stored_rows()
        outcome = refused_cleanly(name, values)
        TALLY.record("commands", server_error=isinstance(outcome[0], str))
        assert outcome == (True, False), path.name
        assert stored_rows() == before, path.name
