"""The triggers and trigger functions the migration SQL files define, and those a database has.

`expected(vendor, before=...)` folds the frozen files of ``<app>/sql/`` in migration
order (a later CREATE OR REPLACE wins, DROP removes); `installed_postgresql` and
`installed_sqlite` read the same shapes from a database's catalog, so a test can
compare them with ``==``. Shapes: functions ``{name: (body, settings)}`` with the body
as stored in pg_proc.prosrc and settings a sorted tuple of "name=value"; triggers
``{(table, name): definition}``. Bodies and definitions are compared with comments
dropped and whitespace collapsed; trigger events are compared as a set.
"""

import re

from config.sqlfiles import ROOT, statements

APPS = ("ledger", "compensation", "pilots", "supervision", "disclosure", "passthrough")

FUNCTION = re.compile(r"CREATE (?:OR REPLACE )?FUNCTION (\w+)\(\)(.*?)\$\$(.*)\$\$", re.S)
TRIGGER = re.compile(r"CREATE (?:CONSTRAINT )?TRIGGER (\w+)\s.*?\sON (\w+)\s", re.S)
DROP_FUNCTION = re.compile(r"DROP FUNCTION (?:IF EXISTS )?(\w+)\(\)")
DROP_TRIGGER = re.compile(r"DROP TRIGGER (?:IF EXISTS )?(\w+)(?: ON (\w+))?")
EVENTS = re.compile(r"\b(before|after|instead of) (.+?) on ")


def sql_files(vendor: str, before: dict[str, str] | None = None) -> list:
    """Forward SQL files for `vendor`, per app in migration order; `before` maps an app
    to the first migration whose files (and later ones) are left out."""
    files = []
    for app in APPS:
        for path in sorted((ROOT / app / "sql").glob(f"*.{vendor}.sql")):
            if before and app in before and path.name >= before[app]:
                continue
            files.append(path)
    return files


def uncommented(sql: str) -> str:
    lines = (line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    kept = (line if "'" in line else line.split("--", 1)[0] for line in lines)
    return " ".join(" ".join(kept).split())


def trigger_definition(sql: str) -> str:
    """A CREATE TRIGGER statement reduced to a comparable form: lower case, no schema,
    one space between words, the events as a sorted list."""
    text = uncommented(sql).lower().replace("public.", "").replace("create or replace", "create")
    match = EVENTS.search(text)
    if match:
        events = " or ".join(sorted(match.group(2).split(" or ")))
        text = f"{text[: match.start(2)]}{events}{text[match.end(2) :]}"
    return text


def expected(vendor: str, before: dict[str, str] | None = None) -> tuple[dict, dict]:
    functions, triggers = {}, {}
    for path in sql_files(vendor, before):
        for statement in statements(path):
            plain = uncommented(statement)
            if match := FUNCTION.search(statement):
                header = uncommented(match.group(2))
                settings = re.findall(r"SET (\w+ = \w+)", header)
                settings = tuple(sorted(setting.replace(" = ", "=") for setting in settings))
                functions[match.group(1)] = (" ".join(match.group(3).split()), settings)
            elif match := TRIGGER.match(plain):
                triggers[(match.group(2), match.group(1))] = trigger_definition(plain)
            elif match := DROP_FUNCTION.match(plain):
                del functions[match.group(1)]
            elif match := DROP_TRIGGER.match(plain):
                name, table = match.groups()
                (key,) = [key for key in triggers if key[1] == name and table in (None, key[0])]
                del triggers[key]
    return functions, triggers


def installed_postgresql(cursor) -> tuple[dict, dict]:
    """PL/pgSQL trigger functions of the public schema and the user triggers on its tables."""
    cursor.execute(
        """SELECT p.proname, p.prosrc, coalesce(p.proconfig, '{}')
             FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             JOIN pg_language l ON l.oid = p.prolang
            WHERE n.nspname = 'public' AND l.lanname = 'plpgsql'
              AND p.prorettype = 'trigger'::regtype"""
    )
    functions = {
        name: (" ".join(source.split()), tuple(sorted(config)))
        for name, source, config in cursor.fetchall()
    }
    cursor.execute(
        """SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid)
             FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND NOT t.tgisinternal"""
    )
    triggers = {(table, name): trigger_definition(sql) for table, name, sql in cursor.fetchall()}
    return functions, triggers


def installed_sqlite(rows) -> dict:
    """Triggers of a SQLite database from `(tbl_name, name, sql)` rows of sqlite_master."""
    return {(table, name): trigger_definition(sql) for table, name, sql in rows}
