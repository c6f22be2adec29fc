"""Both models of ``costcalc estimate`` on the kit's stacks, item by item (no timing).

    python -m tools.compare_models                      # the kit's stacks, 1,000,000 orders
    python -m tools.compare_models --volume 1e5 sam/choreography/template.yaml

Each stack (both SAM templates and both Pulumi programs by default) is read with ``--model
orderflow`` (its profile) and with ``--model graph`` and the kit's usage file for its style
(costcalc/data/usage/<style>.yaml, the style its path names).
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path

from costcalc.estimate.models_compared import KIT_USAGE, compare_models, render

STACKS = (
    Path("sam/choreography/template.yaml"),
    Path("sam/orchestration/template.yaml"),
    Path("pulumi/orders-choreography"),
    Path("pulumi/orders-orchestration"),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("templates", nargs="*", type=Path, default=list(STACKS))
    parser.add_argument("--volume", type=Decimal, default=Decimal(1_000_000))
    args = parser.parse_args(argv)
    for template in args.templates:
        style = "orchestration" if "orchestration" in str(template) else "choreography"
        usage = KIT_USAGE / f"{style}.yaml"
        sys.stdout.write(render(compare_models(template, usage, args.volume)) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
