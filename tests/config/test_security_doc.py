"""docs/security.md quotes config.roles: its tables must say what the table the code reads says."""

from pathlib import Path

from config.roles import (
    AUDITOR,
    BUTTONS,
    ECOLOGY,
    EDITS,
    FINANCE,
    OPERATOR,
    ROLES,
    SUPERUSER_APPS,
    VIEWS_EVERYTHING,
    roles_that_may,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
SHORT = {FINANCE: "finance", ECOLOGY: "ecology", OPERATOR: "operator", AUDITOR: "auditor"}


def buttons_table() -> list[str]:
    lines = ["| button | needs any of | roles that may |", "|---|---|---|"]
    for button, needed in BUTTONS.items():
        roles = ", ".join(SHORT[r] for r in ROLES if r in roles_that_may(button)) or "-"
        lines.append(f"| `{button}` | {', '.join(f'`{p}`' for p in needed)} | {roles} |")
    return lines


def edits_table() -> list[str]:
    lines = ["| role | model | may |", "|---|---|---|"]
    for role in ROLES:
        for (label, model), actions in EDITS.get(role, {}).items():
            lines.append(f"| {SHORT[role]} | `{label}.{model}` | {', '.join(actions)} |")
    return lines


def facts() -> list[str]:
    return [
        "View everything in our apps and the audit trail: "
        + ", ".join(SHORT[r] for r in VIEWS_EVERYTHING)
        + ".",
        "Administered by superusers only: " + ", ".join(f"`{a}`" for a in SUPERUSER_APPS) + ".",
    ]


def test_the_security_note_quotes_the_roles_table_as_it_is():
    text = DOC.read_text(encoding="utf-8").splitlines()

    for line in [*buttons_table(), *edits_table(), *facts()]:
        assert line in text, line
    first_cells = [line.split("|")[1].strip() for line in text if line.startswith("| ")]
    quoted = [cell for cell in first_cells if cell in SHORT.values() or cell.startswith("`")]
    assert len(quoted) == len(BUTTONS) + sum(map(len, EDITS.values())), "rows beyond the table"
