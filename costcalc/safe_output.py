"""Files written whole or not at all, and never over anything but a regular file.

Every file costcalc writes (a chart, a report and its charts, refreshed price files) goes to a
temporary file in the target's folder, is flushed to disk, then renamed over the target
(``os.replace`` is atomic on POSIX and Windows), so a failure or an interrupt never leaves a
half-written file. A target that exists and is not a regular file (a folder, ``/dev/null`` or
another device, a named pipe, a socket, a symbolic link) is refused: renaming over it would
replace the device node or the link itself, which is never what the user asked for.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path

from costcalc.errors import UsageError

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
)


def check_target(path: Path, flag: str) -> None:
    """Refuse, naming ``flag``, a path that could not or must not be replaced by a file."""
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        raise UsageError(f"{flag} {path}: folder {folder} does not exist")
    _refuse_non_regular(path, flag)


def write_file(path: Path, draw: Callable[[Path], None], *, flag: str = "") -> Path:
    """Have ``draw(temporary)`` write the file, then move it onto ``path``; return ``path``."""
    folder = path.parent if str(path.parent) else Path()
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(handle)
    temporary = Path(name)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp's 0600 is for the draft only
        draw(temporary)
        _refuse_non_regular(path, flag)  # again: it may have changed while drawing
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def write_files(folder: Path, texts: Mapping[str, str], *, flag: str = "") -> list[Path]:
    """Write each ``{file name: text}`` into ``folder`` (created if missing); return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        write_file(folder / name, partial(_write_text, text=text), flag=flag)
        for name, text in texts.items()
    ]


def _write_text(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as stream:
        stream.write(text)
        stream.flush()
        os.fsync(stream.fileno())


def _refuse_non_regular(path: Path, flag: str) -> None:
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    if stat.S_ISREG(mode):
        return
    kind = next((kind for test, kind in _KINDS if test(mode)), "not a regular file")
    named = f"{flag} {path}" if flag else str(path)
    raise UsageError(f"{named}: is {kind}; costcalc writes only new or regular files")
