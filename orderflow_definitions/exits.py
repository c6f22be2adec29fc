"""How the kit's command lines end: their exit codes, a missing extra, an internal error.

0 the command did what was asked; 1 only a gate it was given was crossed (``--fail-above``);
2 bad input or usage, or an optional part it needs is not installed; 3 an internal error, said
in one line (``--debug`` shows the traceback). So CI tells a cost gate from a crash.

It lives beside the reader of definitions because both ``costcalc`` and the runner end through
it, and generated projects get the runner with this package (never the rest of the kit).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import sys
import traceback
from collections.abc import Callable, Sequence

EXIT_OK = 0
EXIT_GATE = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
DEBUG_FLAG = "--debug"
DEBUG_HELP = "on an internal error (exit 3), print its traceback instead of one line"

PACKAGE = "orderflow-kit"
# The optional parts, by the top-level module that needs them, and the extra installing each
# (pyproject.toml's [project.optional-dependencies], where the install page tables them).
EXTRAS = {
    "matplotlib": "report",
    "pulumi": "pulumi",
    "pulumi_aws": "pulumi",
    "moto": "localrun",
    "duckdb": "localrun",
    "sqlglot": "localrun",
    "aws_lambda_powertools": "localrun",
}


class MissingExtraError(Exception):
    """An optional module a command needs is not installed; the message names the fix."""

    def __init__(self, what: str, module: str) -> None:
        super().__init__(f"{what} needs {module}, which is not installed: {install_hint(module)}")


def install_hint(module: str) -> str:
    """The line that installs ``module`` where this code runs: the kit's extra, or, in a
    generated project (which ships this package under its own distribution, with no extras),
    the project's own install target."""
    owners = importlib.metadata.packages_distributions().get(__name__.partition(".")[0], [])
    if owners and PACKAGE not in owners:
        return "run `make install` in the project (its dev tools include it)"
    return f"pip install '{PACKAGE}[{EXTRAS[module]}]'"


def require(what: str, *modules: str) -> None:
    """Refuse ``what`` before it does any work when one of its optional modules is missing."""
    for module in modules:
        if importlib.util.find_spec(module) is None:
            raise MissingExtraError(what, module)


def run_guarded(prog: str, run: Callable[[], int], argv: Sequence[str]) -> int:
    """``run()``'s exit code; a missing extra is one line and 2, any other exception one line
    and 3 (its traceback when ``argv`` holds ``--debug``)."""
    try:
        return run()
    except MissingExtraError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ImportError as error:
        top = (error.name or "").partition(".")[0]
        if top not in EXTRAS:
            return _internal(prog, error, argv)
        print(f"{prog}: error: {MissingExtraError(prog, top)}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:
        return _internal(prog, error, argv)


def _internal(prog: str, error: Exception, argv: Sequence[str]) -> int:
    if DEBUG_FLAG in argv:
        traceback.print_exception(error)
    else:
        message = " ".join(str(error).split()) or "no message"
        print(
            f"{prog}: internal error: {type(error).__name__}: {message}; "
            f"run with {DEBUG_FLAG} for the traceback",
            file=sys.stderr,
        )
    return EXIT_INTERNAL
