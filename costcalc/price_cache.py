"""The user's cache of refreshed prices, and atomic writes of catalogue files.

``costcalc prices refresh`` writes one YAML file per service, in the catalogue's own schema, to
``$COSTCALC_CACHE_DIR/prices`` if that variable is set, else ``$XDG_CACHE_HOME/costcalc/prices``,
else ``~/.cache/costcalc/prices``. :func:`costcalc.catalogue.price_directories` puts that folder
before the bundled data, so later runs prefer what was refreshed.

Every file is written whole or not at all: to a temporary file in the same folder, flushed to
disk, then renamed over the old one (``os.replace`` is atomic on POSIX and Windows). Callers
serialise every file before writing the first, so a refresh that fails part-way writes nothing.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
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


def write_files(folder: Path, texts: Mapping[str, str]) -> list[Path]:
    """Write each ``{file name: text}`` into ``folder`` atomically; return the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in texts.items():
        target = folder / name
        handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        written.append(target)
    return written
