"""Reading a deployment's window: its resources, their metrics, and its bill by usage type."""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Callable

from costcalc.actual import billing, insights, metrics
from costcalc.actual.aws import Clients, aws_errors
from costcalc.actual.measured import Measured, measure
from costcalc.actual.resources import KINDS, stack_resources, tagged_resources
from costcalc.actual.window import Window
from costcalc.errors import UsageError

STACK_TAG = "aws:cloudformation:stack-name"


def read_actual(
    clients: Clients,
    *,
    stack: str | None,
    tag: tuple[str, str] | None,
    window: Window,
    unit: str | None,
    init: bool = True,
    sleep: Callable[[float], None] = time.sleep,
    resource_tag: str = billing.RESOURCE_TAG,
) -> Measured:
    """What the stack (or the tagged resources) did in the window; a refusal when nothing ran
    (``init``: read Lambda's INIT from the REPORT lines; ``sleep``: between polls of that query;
    ``resource_tag``: the tag the bill is grouped by per resource)."""
    with aws_errors():
        if stack is not None:
            resources = stack_resources(clients, stack)
            key, value = STACK_TAG, stack
            named = f"stack {stack}"
        else:
            assert tag is not None
            key, value = tag
            resources = tagged_resources(clients, key, value)
            named = f"the resources tagged {key}={value}"
        if not resources:
            raise UsageError(
                f"{named}: no resource actual measures (expected any of "
                f"{', '.join(KINDS)}); nothing measured"
            )
        totals = metrics.totals(clients, metrics.queries(resources), window)
        if not totals:
            raise UsageError(
                f"{named}: CloudWatch holds no metric in {window} for its {len(resources)} "
                "resources; nothing measured (pick a window when it ran)"
            )
        functions = [resource for resource in resources if resource.kind == "function"]
        inits = insights.inits(clients, functions, window, sleep) if init else None
        billed = billing.billed(clients, key, value, window)
        per_resource = (
            billing.billed_by_resource(clients, key, value, window, resource_tag) if billed else {}
        )
    found = dataclasses.replace(measure(totals, billed, unit, inits), billed_resources=per_resource)
    if not billed:
        note = (
            f"Cost Explorer has no cost tagged {key}={value} in the window: is the tag "
            "activated as a cost allocation tag? (Billing console, Cost allocation tags); "
            "billed figures are left out, not guessed"
        )
        print(f"costcalc actual: {note}", file=sys.stderr)
        found = dataclasses.replace(found, notes=(*found.notes, note))
    return found
