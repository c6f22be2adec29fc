"""How long `costcalc estimate` on each reference SAM template takes, process start to exit.

Includes parsing and transforming the template locally (samtranslator), deriving the usage and
pricing it. The baseline, measured interleaved in the same run, is `costcalc compare --format
json` (the same pricing from a bundled profile, no template). Target: median under 2 s.
The same stack's Pulumi program is timed too (no target): importing the Pulumi SDK and
pulumi-aws and running the program under mocks, then the same derivation and pricing.
Run: `make bench`.
"""

from __future__ import annotations

from pathlib import Path

from _startup_timing import COSTCALC, interleaved_medians

RUNS = 10
TARGET_SECONDS = 2.0
ROOT = Path(__file__).resolve().parents[1]
STACKS = ("choreography", "orchestration")
PROGRAM = ROOT / "pulumi/orders-choreography"

if __name__ == "__main__":
    commands = {
        "costcalc compare --format json": [COSTCALC, "compare", "--format", "json"],
        **{
            f"costcalc estimate sam/{stack}/template.yaml --format json": [
                COSTCALC, "estimate", str(ROOT / f"sam/{stack}/template.yaml"), "--format", "json",
            ]
            for stack in STACKS
        },
        "costcalc estimate <pulumi program> --format json": [
            COSTCALC, "estimate", str(PROGRAM), "--format", "json",
        ],
    }  # fmt: skip
    medians = interleaved_medians(commands, RUNS)
    baseline, *templates, program = medians.values()
    for stack, seconds in zip(STACKS, templates, strict=True):
        verdict = "within" if seconds < TARGET_SECONDS else "OVER"
        print(
            f"estimate {stack}: {seconds:.2f} s ({verdict} the {TARGET_SECONDS:g} s target), "
            f"{seconds - baseline:+.2f} s over compare for reading and transforming the template"
        )
    print(
        f"estimate of the Pulumi program: {program:.2f} s, {program - templates[0]:+.2f} s over "
        "the choreography template for importing Pulumi and running the program under mocks"
    )
