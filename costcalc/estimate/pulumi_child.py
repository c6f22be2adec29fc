"""``python -m costcalc.estimate.pulumi_child PROJECT STACK NAME``: run one Pulumi program
under mocks in a child process and print what it registered.

``costcalc estimate`` never runs a foreign program in its own process (pulumi_template.py):
a program may call ``sys.exit(0)`` or ``os._exit``, loop forever, or leave state behind. The
exit contract: the child's last line on stdout starting with :data:`DONE` carries the run as
JSON and the child exits 0; a program that raises is reported after :data:`FAILED` (its
exception's type and first line) with exit 3. Anything else — another exit code, or exit 0
without the line — is a program that did not run to its end, and is refused by the parent.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

DONE = "costcalc-pulumi-run: "
FAILED = "costcalc-pulumi-failed: "
FAILED_EXIT = 3


def main(argv: Sequence[str]) -> int:
    project, stack, name = argv
    try:
        import pulumi  # noqa: PLC0415

        from costcalc.estimate.pulumi_program import run_program  # noqa: PLC0415
    except ImportError as error:
        return _failed({"type": "ImportError", "module": error.name or "pulumi"})
    folder = Path(project).resolve()
    os.chdir(folder)  # as the Pulumi CLI runs a program: its relative paths are the project's
    try:
        run = run_program(folder, stack, project=name)
    except pulumi.ConfigMissingError as error:  # the stack's config lacks a required key
        return _failed({"type": "ConfigMissingError", "key": str(error.key)})
    except ImportError as error:  # a package the program imports is not installed
        return _failed({"type": "ProgramImportError", "module": error.name or str(error)})
    except Exception as error:  # the program's own failure, whatever it is
        from costcalc.estimate.template import first_line  # noqa: PLC0415

        return _failed({"type": type(error).__name__, "message": first_line(error)})
    document = {
        "project": run.project,
        "stack": run.stack,
        "resources": [
            {"type": r.type, "name": r.name, "inputs": r.inputs, "outputs": r.outputs}
            for r in run.resources
        ],
        "stack_outputs": run.stack_outputs,
    }
    sys.stdout.write("\n" + DONE + json.dumps(document, default=str) + "\n")
    sys.stdout.flush()
    return 0


def _failed(detail: dict[str, str]) -> int:
    sys.stdout.write("\n" + FAILED + json.dumps(detail) + "\n")
    sys.stdout.flush()
    return FAILED_EXIT


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
