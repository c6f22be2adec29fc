"""The user's cache of refreshed prices.

``costcalc prices refresh`` writes one YAML file per service, in the catalogue's own schema, to
``$COSTCALC_CACHE_DIR/prices`` if that variable is set, else ``$XDG_CACHE_HOME/costcalc/prices``,
else ``~/.cache/costcalc/prices``. :func:`costcalc.pricing.catalogue.price_directories` puts
that folder before the bundled data, so later runs prefer what was refreshed. Each file is
written whole or not at all (:mod:`costcalc.safe_output`), and every file is serialised
before the first is written, so a refresh that fails part-way writes nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "COSTCALC_CACHE_DIR"


def cache_dir() -> Path:
    """The costcalc cache folder (it may not exist yet)."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "costcalc"


def prices_dir() -> Path:
    """Where refreshed service price files live."""
    return cache_dir() / "prices"
