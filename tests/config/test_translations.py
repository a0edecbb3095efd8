"""zh-hans is the default interface language: every message has a translation."""

from pathlib import Path

from tests.conftest import PROJECT_ROOT

CATALOG = PROJECT_ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _entries(text):
    """(msgid, msgstr) pairs of a .po file, continuation lines joined."""
    entries, current, field = [], {}, None
    for line in [*text.splitlines(), ""]:
        if line.startswith(("msgid ", "msgstr ", "msgstr[0] ")):
            field, _, value = line.partition(" ")
            field = field.removesuffix("[0]")
            current[field] = value.strip('"')
        elif line.startswith('"') and field:
            current[field] += line.strip('"')
        elif not line.strip() and current:
            entries.append((current.get("msgid", ""), current.get("msgstr", "")))
            current, field = {}, None
    return [(msgid, msgstr) for msgid, msgstr in entries if msgid]


def test_every_message_is_translated():
    entries = _entries(Path(CATALOG).read_text(encoding="utf-8"))

    untranslated = [msgid for msgid, msgstr in entries if not msgstr]
    assert len(entries) > 40
    assert untranslated == []


def test_no_translation_is_marked_fuzzy():
    assert "#, fuzzy" not in Path(CATALOG).read_text(encoding="utf-8")
