"""The Lambda package has boto3 and the Powertools layer, not the boto3 type stubs."""

import subprocess
import sys
from pathlib import Path

FUNCTIONS = Path(__file__).parents[3] / "functions"

_WITHOUT_STUBS = """
import importlib, pkgutil, sys

class NoStubs:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0].startswith("mypy_boto3"):
            raise ImportError(f"{name} is a development-only type stub")
        return None

sys.meta_path.insert(0, NoStubs())
import orders
for module in pkgutil.iter_modules(orders.__path__):
    importlib.import_module(f"orders.{module.name}")
"""


def test_every_domain_module_imports_without_the_type_stubs_the_lambda_package_lacks() -> None:
    run = subprocess.run(
        [sys.executable, "-c", _WITHOUT_STUBS],
        cwd=FUNCTIONS,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
