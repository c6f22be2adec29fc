"""A test module's imported files are found as its checkout's pytest would import them."""

from __future__ import annotations

from pathlib import Path

import pytest
from imported_files import imported_closure, loaded_with

PYPROJECT = '[tool.pytest.ini_options]\npythonpath = [".", "lib"]\n'
FILES = {
    "pyproject.toml": PYPROJECT,
    "tests/conftest.py": "import helpers\n",
    "tests/unit/test_a.py": "import json\nfrom shop import cart\nfrom shop.prices import total\n",
    "lib/helpers.py": "",
    "shop/__init__.py": "",
    "shop/cart.py": "from . import rules\nfrom .prices import total\n",
    "shop/prices.py": "def total() -> int:\n    return 0\n",
    "shop/rules.py": "",
    "shop/unused.py": "",
    "tests/unit/test_b.py": "import shop.unused\n",
}


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    for relative, text in FILES.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text)
    return tmp_path


def test_pytest_loads_a_module_with_the_conftest_files_of_its_folders(checkout: Path) -> None:
    assert loaded_with(checkout, "tests/unit/test_a.py") == {
        "tests/unit/test_a.py",
        "tests/conftest.py",
    }


def test_the_closure_follows_absolute_relative_and_submodule_imports_on_the_pythonpath(
    checkout: Path,
) -> None:
    """`json` is installed, not the checkout's; `shop/unused.py` only another test imports."""
    assert imported_closure(checkout, {"tests/unit/test_a.py", "tests/conftest.py"}) == {
        "tests/unit/test_a.py",
        "tests/conftest.py",
        "lib/helpers.py",
        "shop/__init__.py",
        "shop/cart.py",
        "shop/prices.py",
        "shop/rules.py",
    }
