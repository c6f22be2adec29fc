"""``costcalc-check-templates FILE...``: read each template as ``costcalc estimate`` reads it,
and say what stops one (the pre-commit hook of ``.pre-commit-hooks.yaml``).

pre-commit appends every staged file it selects to the hook's command, while ``estimate`` takes
one definition: this runs it once per file (the general model, so any template is read: YAML
short forms, the SAM transform offline, parameters against their ``AllowedValues``,
``DefinitionUri`` files, ``DefinitionSubstitutions``), prints nothing for a template that reads,
one line for one that does not, and exits with the highest exit code (2: a template refused).
``--parameter NAME=VALUE`` and ``--no-samconfig`` (a hook's ``args``) go to every estimate.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from collections.abc import Sequence

from costcalc.cli.main import main as costcalc
from orderflow_definitions.exits import EXIT_OK, EXIT_USAGE

PROG = "costcalc-check-templates"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Read each template as `costcalc estimate` reads it."
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="the templates to check")
    parser.add_argument(
        "--parameter", action="append", default=[], metavar="NAME=VALUE",
        help="a parameter value for every template (repeatable)",
    )  # fmt: skip
    parser.add_argument(
        "--no-samconfig", action="store_true", help="ignore samconfig.toml's parameters"
    )
    args = parser.parse_args(argv)
    flags = [f"--parameter={value}" for value in args.parameter]
    flags += ["--no-samconfig"] if args.no_samconfig else []
    return max(_check(name, flags) for name in args.files)


def _check(name: str, flags: list[str]) -> int:
    quiet = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(quiet):
        try:
            code = costcalc(["estimate", name, "--model", "graph", *flags, "--format", "json"])
        except SystemExit as stop:  # argparse refusing a flag
            code = stop.code if isinstance(stop.code, int) else EXIT_USAGE
    if code != EXIT_OK:
        said = [line for line in quiet.getvalue().splitlines() if not line.startswith("costcalc: ")]
        print("\n".join(said) or f"{PROG}: {name}: exit {code}", file=sys.stderr)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
