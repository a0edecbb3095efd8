"""Arrows point down: the import contracts of pyproject.toml hold (import-linter).

docs/decisions/2026-11-30-arrows-down.md gives the floors: ledger imports no app,
pilots nothing of compensation, config no app at all, no app the portal or the API.
In the suite, no test module imports another test module or a folder's conftest: shared
rows come from tests/factories.py, shared fixtures from tests/fixtures.py.
"""

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _contracts_config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "importlinter"
    ]


def test_every_contract_is_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [lint_imports, "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_contracts_cover_every_app_of_ours():
    ours = {app for app in settings.INSTALLED_APPS if (ROOT / app / "__init__.py").exists()}
    assert ours, "no app of ours found in INSTALLED_APPS"
    assert ours | {"config"} <= set(_contracts_config()["root_packages"])


def _imported_modules(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def test_no_test_module_imports_another_or_a_folders_conftest():
    offending = sorted(
        f"{path.relative_to(ROOT)} imports {module}"
        for path in (ROOT / "tests").rglob("*.py")
        for module in _imported_modules(path)
        if module.startswith("tests.")
        and module != "tests.conftest"
        and module.rpartition(".")[2].startswith(("test_", "conftest"))
    )

    assert offending == []
