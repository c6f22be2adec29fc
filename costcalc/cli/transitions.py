"""``costcalc transitions``: what one execution of a state machine definition bills, expected.

Standard: the expected transitions per execution and the most probable paths behind them.
Express: the definition checked against what Express can run, then the expected duration.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

from costcalc.cli.arguments import Commands, command, number
from costcalc.cli.counting import add_counting_arguments, counting_from
from costcalc.errors import UsageError
from costcalc.pricing.render import rounded, versioned
from orderflow_definitions.documents import load_json
from orderflow_definitions.errors import DefinitionError

#: AWS's own limit on a definition's size (Step Functions quotas: 1 MB).
MAX_DEFINITION_BYTES = 1_048_576

EXAMPLES = """Examples:
  costcalc transitions statemachine/orders.asl.json
  costcalc transitions poll.asl.json --loop Ask=0.05 --choice 'Is it done?=Finish:0.7,Wait:0.3'
  costcalc transitions fan-out.asl.json --map-items Each=40 --format json
  costcalc transitions quick.asl.json --type express --state-duration-ms Call=250
"""


def register(commands: Commands) -> None:
    parser = commands.add_parser(
        "transitions",
        help="expected billed transitions (or Express duration) of one execution",
        description="Read an Amazon States Language definition (JSON) and say what one "
        "execution bills on average: Standard transitions (states entered, retries and "
        "redrives included) or, with --type express, the duration Express bills, after "
        "checking Express can run it. Outcomes the definition cannot say are given with the "
        "flags below; the defaults used are listed as assumptions.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("definition", type=Path, help="the definition (.asl.json)")
    parser.add_argument(
        "--type", choices=("standard", "express"), default="standard",
        help="the state machine's type (default standard)",
    )  # fmt: skip
    add_counting_arguments(parser, number)
    parser.add_argument("--format", choices=("table", "json"), default="table",
                        help="output format (default table)")  # fmt: skip
    command(parser, run)


def run(args: argparse.Namespace) -> int:
    from costcalc.estimate.express_limits import express_refusals  # noqa: PLC0415
    from costcalc.estimate.transitions import expected_transitions  # noqa: PLC0415

    definition = read_definition(args.definition)
    estimate = expected_transitions(definition, counting_from(args), str(args.definition))
    if args.type == "express":
        reasons = express_refusals(definition, estimate.express_duration_ms, str(args.definition))
        if reasons:
            raise UsageError(
                f"{args.definition}: Express cannot run this definition, so it is not priced: "
                + "; ".join(reasons)
            )
    document = _document(args, estimate)
    if args.format == "json":
        sys.stdout.write(json.dumps(versioned(document), indent=2, default=str) + "\n")
    else:
        sys.stdout.write(_table(document))
    return 0


def read_definition(path: Path) -> Mapping[str, Any]:
    """A definition file, bounded: at most AWS's 1 MB, UTF-8 JSON holding States."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_DEFINITION_BYTES + 1)
    except OSError as error:
        raise UsageError(f"{path}: cannot read it ({error.strerror})") from None
    if len(raw) > MAX_DEFINITION_BYTES:
        raise UsageError(f"{path}: larger than 1 MB, the largest definition AWS accepts")
    try:
        parsed = load_json(raw.decode("utf-8"), str(path))
    except DefinitionError as error:
        raise UsageError(str(error)) from None
    except UnicodeDecodeError as error:
        raise UsageError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise UsageError(f"{path}: not JSON ({error.msg}, line {error.lineno})") from None
    except RecursionError:
        raise UsageError(f"{path}: nested too deeply to read") from None
    if not isinstance(parsed, dict):
        raise UsageError(f"{path}: expected a JSON object with StartAt and States")
    return parsed


def _document(args: argparse.Namespace, estimate: Any) -> dict[str, Any]:
    return {
        "definition": str(args.definition),
        "type": args.type.upper(),
        "expected_transitions": estimate.expected if args.type == "standard" else Decimal(0),
        "redrive_transitions": estimate.redrive_transitions,
        "failure_probability": estimate.failure_probability,
        "expected_duration_ms": estimate.express_duration_ms,
        "paths": [
            {
                "states": list(path.states),
                "probability": path.probability,
                "transitions": path.transitions,
                "failed": path.failed,
            }
            for path in estimate.paths
        ],
        "path_cap": estimate.path_cap,
        "remaining_probability": estimate.remaining_probability,
        "children": [
            {
                "state": child.state,
                "type": child.execution_type,
                "executions": child.executions,
                "states_entered": child.states_entered,
                "transitions": child.transitions,
                "duration_ms": child.duration_ms,
            }
            for child in estimate.children
        ],
        "assumptions": list(estimate.assumptions),
    }


def _figure(value: Decimal, places: int = 4) -> str:
    """A figure for a person: rounded, never ``-0``."""
    figure = rounded(value, Decimal(10) ** -places, ROUND_HALF_EVEN).normalize()
    return f"{figure:f}"


def _table(document: Mapping[str, Any]) -> str:
    lines = [f"{document['definition']} ({document['type']}), per execution:"]
    if document["type"] == "STANDARD":
        lines.append(f"  expected transitions  {_figure(document['expected_transitions'])}"
                     + (f" (redrives {_figure(document['redrive_transitions'])})"
                        if document["redrive_transitions"] else ""))  # fmt: skip
    else:
        lines.append(f"  expected duration     {_figure(document['expected_duration_ms'])} ms "
                     "(billed per execution in 100 ms steps x 64 MB steps)")  # fmt: skip
    lines.append(f"  failure probability   {_figure(document['failure_probability'])}")
    lines.append(f"most probable paths (up to {document['path_cap']}):")
    for path in document["paths"]:
        end = "failed" if path["failed"] else "succeeded"
        lines.append(f"  p={_figure(path['probability'], 6):<10} {_figure(path['transitions']):>8}"
                     f" transitions  {end}: {' > '.join(path['states'])}")  # fmt: skip
    lines.append(f"  probability of the paths not listed: "
                 f"{_figure(document['remaining_probability'], 6)}")  # fmt: skip
    for child in document["children"]:
        lines.append(f"child executions of {child['state']} ({child['type']}): "
                     f"{_figure(child['executions'])}, states entered "
                     f"{_figure(child['states_entered'])}")  # fmt: skip
    lines += ["assumptions:", *(f"  {note}" for note in document["assumptions"] or ["none"])]
    return "\n".join(lines) + "\n"
