"""The generator's package lives beside its cookiecutter.json, where cookiecutter imports it from;
its tests import it from there too (not via pytest's pythonpath, which generated projects copy)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "templates/order-system"))
