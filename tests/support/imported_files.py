"""The files a test module reads by importing, found from its source: what pytest loads with it
(its folders' conftest.py and __init__.py), what those import, and so on, within one checkout.

Imports are resolved as the checkout's pytest resolves them, on the `pythonpath` of its
pyproject's pytest table (relative imports in their package); a name found in none of those
folders is an installed package, the same for the kit and its projects (one venv runs both).
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path, PurePosixPath


def pythonpath(root: Path) -> tuple[str, ...]:
    """The folders the checkout's pytest puts on sys.path, relative to `root`."""
    table = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    return tuple(table["tool"]["pytest"]["ini_options"]["pythonpath"])


def _module_files(root: Path, base: PurePosixPath, dotted: str) -> list[str]:
    """The files importing `dotted` under `base` loads (each package's __init__.py, then the
    module), or none when `base` does not hold it."""
    files: list[str] = []
    path = base
    for part in dotted.split(".") if dotted else []:
        path = path / part
        if (root / path / "__init__.py").is_file():
            files.append(str(path / "__init__.py"))
        elif (root / f"{path}.py").is_file():
            files.append(f"{path}.py")
        elif not (root / path).is_dir():  # a namespace package's folder holds no __init__.py
            return []
    return files


def _bases(relative: str, level: int, folders: tuple[str, ...]) -> list[PurePosixPath]:
    if level:
        return [PurePosixPath(relative).parents[level - 1]]
    return [PurePosixPath(folder) for folder in folders]


def imports(root: Path, relative: str, folders: tuple[str, ...]) -> set[str]:
    """The checkout's files that the module at `relative` imports, directly."""
    tree = ast.parse((root / relative).read_text(encoding="utf-8"), relative)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            wanted = [(0, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            # `from package import name` loads package/name.py when `name` is a submodule
            wanted = [(node.level, module)]
            wanted += [(node.level, f"{module}.{a.name}".lstrip(".")) for a in node.names]
        else:
            continue
        for level, dotted in wanted:
            for base in _bases(relative, level, folders):
                if files := _module_files(root, base, dotted):
                    found.update(files)
                    break
    return found


def loaded_with(root: Path, test_module: str) -> set[str]:
    """`test_module` and its folders' conftest.py and __init__.py that exist in the checkout:
    what pytest imports before it runs the module's tests."""
    loaded = {test_module}
    for folder in PurePosixPath(test_module).parents:
        for name in ("conftest.py", "__init__.py"):
            if (root / folder / name).is_file():
                loaded.add(str(folder / name))
    return loaded


def imported_closure(root: Path, seeds: set[str]) -> set[str]:
    """`seeds` and every checkout file they import, transitively."""
    folders = pythonpath(root)
    closure: set[str] = set()
    pending = set(seeds)
    while pending:
        relative = pending.pop()
        closure.add(relative)
        pending |= imports(root, relative, folders) - closure
    return closure
