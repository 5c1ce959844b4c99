"""Modules share only public names: a helper another module needs is public and documented."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("portal", "moderation")


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_uses(path: Path) -> list[str]:
    """Return the private names a module takes from the portal's other modules."""
    tree = ast.parse(path.read_text(), str(path))
    ours: set[str] = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PACKAGES):
            for alias in node.names:
                ours.add(alias.asname or alias.name)
                if _private(alias.name):
                    found.append(f"{path.relative_to(ROOT)}: imports {node.module}.{alias.name}")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in ours
            and _private(node.attr)
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value.id}.{node.attr}")
    return found


def test_no_module_uses_the_private_names_of_another():
    paths = [path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))]

    assert [use for path in paths for use in private_uses(path)] == []
