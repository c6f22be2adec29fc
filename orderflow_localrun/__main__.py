"""`python -m orderflow_localrun`: the runner needs its extra (moto and the functions'
libraries), so that is checked before the command line is even read (the BI report's DuckDB and
sqlglot only by `analytics`, which generated projects do not offer); every end is an exit code
of :mod:`orderflow_definitions.exits`."""

import sys

from orderflow_definitions.cli import answer_version
from orderflow_definitions.exits import require, run_guarded

PROG = "python -m orderflow_localrun"


def _main() -> int:
    answer_version(PROG, sys.argv[1:])  # --version needs no extra
    require("the local runner", "moto", "aws_lambda_powertools")
    from orderflow_localrun.cli import main  # noqa: PLC0415 - imports moto

    return main()


raise SystemExit(run_guarded(PROG, _main, sys.argv[1:]))
