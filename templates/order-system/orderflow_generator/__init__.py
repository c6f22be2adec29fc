"""Orderflow Kit's generator: validates answers, plans a project from the kit's real files.

Cookiecutter loads it as a local Jinja extension (`local_extensions.py`); everything that matters
happens while cookiecutter renders names, so it works with hooks disabled (as `sam init` does).
The kit's one reader of definitions (`orderflow_definitions`) reads its templates: where the kit
is not installed (the SAM CLI's own environment, where `sam init` runs the generator), it is
imported from the kit checkout this template lives in.
"""

import sys
from pathlib import Path

_KIT_ROOT = Path(__file__).resolve().parents[3]
if (_KIT_ROOT / "orderflow_definitions").is_dir() and str(_KIT_ROOT) not in sys.path:
    sys.path.append(str(_KIT_ROOT))
