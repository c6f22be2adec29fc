"""What the kit's command lines share: one-line usage errors, ``--version``, ``--quiet`` and the
old spellings of flags kept as deprecated aliases.

``costcalc``, ``python -m orderflow_localrun`` and ``python -m orderclient`` build their parsers on
:class:`Parser`, so a bad flag reads and ends the same way everywhere (``PROG: error: MESSAGE``,
exit 2). It lives here because the runner and the client ship in generated projects with this
package and may import no other part of the kit.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from importlib import metadata
from typing import Any, NoReturn

from orderflow_definitions.exits import DEBUG_FLAG, DEBUG_HELP, EXIT_USAGE, PACKAGE

#: The shape of every ``--format json`` the kit prints: a document's ``schema_version``, and the
#: version of the JSON Schemas shipped beside the code. Raised when a field changes meaning or goes.
SCHEMA_VERSION = "1"
QUIET_HELP = "print no progress lines on stderr (results and errors still print)"
_quiet: ContextVar[bool] = ContextVar("quiet", default=False)


class Parser(argparse.ArgumentParser):
    """An argparse parser whose errors are one line (no usage block) and exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def kit_version() -> str:
    """The installed distribution's version; a copy of the kit's sources (a generated project's
    runner) has no distribution to ask, and says so rather than inventing a number."""
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return "(a copy of the kit's sources, not an installed package)"


def add_root_flags(parser: argparse.ArgumentParser, name: str) -> None:
    """``--version`` and ``--debug``, spelt and explained alike on every entry point."""
    parser.add_argument("--version", action="version", version=f"{name} {kit_version()}")
    parser.add_argument(DEBUG_FLAG, action="store_true", help=DEBUG_HELP)


def add_quiet(parser: argparse.ArgumentParser) -> None:
    """``--quiet`` on a command's own parser, where users type it (``costcalc estimate T -q``)."""
    parser.add_argument("-q", "--quiet", action="store_true", help=QUIET_HELP)


def answer_version(name: str, argv: Sequence[str]) -> None:
    """Print the version and exit 0 when ``argv`` asks for it, before an entry point imports
    anything heavy (the runner checks for its extra first, and ``--version`` must not need it)."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--version", action="version", version=f"{name} {kit_version()}")
    early.parse_known_args(list(argv))


def progress(message: str) -> None:
    """A progress line: always on stderr, never mixed into a result on stdout; ``--quiet``
    silences it."""
    if not _quiet.get():
        print(message, file=sys.stderr, flush=True)


@contextmanager
def quiet(enabled: bool) -> Any:
    """Run the block with progress lines silenced when ``enabled`` (the parsed ``--quiet``)."""
    token = _quiet.set(enabled)
    try:
        yield
    finally:
        _quiet.reset(token)


def deprecated_help(help_text: str, old: Sequence[str], new: str) -> str:
    """``help_text`` with the note every deprecated alias carries in ``--help``."""
    return f"{help_text} ({', '.join(old)}: deprecated spelling of {new}, still accepted)"


def deprecating(action: type[argparse.Action], old: Sequence[str], new: str) -> type[Any]:
    """``action`` that also warns on stderr when one of the ``old`` spellings was typed."""

    class Deprecated(action):  # type: ignore[valid-type,misc]
        def __call__(
            self,
            parser: argparse.ArgumentParser,
            namespace: argparse.Namespace,
            values: Any,
            option_string: str | None = None,
        ) -> None:
            if option_string in old:
                print(
                    f"{parser.prog}: warning: {option_string} is deprecated; use {new}",
                    file=sys.stderr,
                )
            super().__call__(parser, namespace, values, option_string)

    return Deprecated


def add_parameter(parser: argparse.ArgumentParser, help_text: str) -> None:
    """``--parameter NAME=VALUE`` (repeatable), the one spelling of a template parameter across
    ``costcalc`` and the runner; the runner's old ``--param`` still works, with a warning."""
    parser.add_argument(
        "--parameter",
        "--param",
        dest="parameter",
        action=deprecating(argparse._AppendAction, ["--param"], "--parameter"),
        default=[],
        metavar="NAME=VALUE",
        help=deprecated_help(help_text, ["--param"], "--parameter"),
    )


def add_json_format(parser: argparse.ArgumentParser, formats: tuple[str, ...]) -> None:
    """``--format`` with ``formats`` (the first the default), and ``--json``, its deprecated
    spelling for ``--format json``."""
    parser.add_argument(
        "--format",
        choices=formats,
        default=formats[0],
        help=f"output format (default {formats[0]})",
    )
    parser.add_argument(
        "--json",
        dest="format",
        action=deprecating(argparse._StoreConstAction, ["--json"], "--format json"),
        const="json",
        help="deprecated spelling of --format json, still accepted",
    )
