"""The house rules that no single module's tests see: every third-party package the library imports is
declared in pyproject.toml, and the viewer stays small enough to read (no function over 60 lines, no
module over 400). The import layers are checked by `lint-imports` (.ci/gates)."""

from __future__ import annotations

import ast
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "cyberclaims"


def _imported_top_level_modules() -> dict[str, str]:
    """Each top-level module the package imports (at any depth of the code), with one file that does."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                found.setdefault(name.split(".")[0], path.relative_to(ROOT).as_posix())
    return found


def _requirement_name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[(]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_imported_third_party_package_is_declared():
    tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from Python 3.11")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {_requirement_name(r) for r in project["dependencies"]}
    optional = project["optional-dependencies"]
    optional_names = {_requirement_name(r) for group in optional.values() for r in group}
    distributions = metadata.packages_distributions()
    undeclared = []
    for module, where in sorted(_imported_top_level_modules().items()):
        if module == "cyberclaims" or module in sys.stdlib_module_names:
            continue
        names = {name.lower().replace("_", "-") for name in distributions.get(module, [module])}
        if not names & declared and not names & optional_names:
            undeclared.append(f"{module} ({where})")
    assert undeclared == [], "imported but not declared in pyproject.toml: " + ", ".join(undeclared)


def test_the_viewer_has_no_long_function_or_module():
    long = []
    for path in sorted((PACKAGE / "viewer").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > 400:
            long.append(f"{path.name}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > 60:
                    long.append(f"{path.name}:{node.lineno} {node.name}: {length} lines")
    assert long == []
