"""What an EXPRESS state machine cannot run (AWS Step Functions developer guide, "Choosing
workflow type": Express workflows support neither the ``.waitForTaskToken`` nor the ``.sync``
(Run a Job) integration patterns, nor activities, and run for at most five minutes).

A definition that breaks one of them is refused with every reason, never priced: AWS would
reject it when the stack is created (or the execution would be cut off at five minutes).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from costcalc.estimate.asl_levels import read_level, states_run

#: Express executions stop after five minutes.
EXPRESS_MAX_MS = Decimal(300_000)


def express_refusals(
    definition: Mapping[str, Any],
    expected_duration_ms: Decimal | None = None,
    where: str = "definition",
) -> list[str]:
    """Why Express cannot run ``definition`` (empty when it can); a definition that cannot be
    walked is refused as every walker refuses it (``DefinitionError``)."""
    reasons = []
    for name, state in states_run(read_level(definition, where)):
        resource = str(state.get("Resource", "")) if state.get("Type") == "Task" else ""
        if resource.endswith(".waitForTaskToken"):
            reasons.append(f"state {name!r} waits for a task token ({resource}); Express has no "
                           ".waitForTaskToken callbacks")  # fmt: skip
        elif ".sync" in resource.rpartition(":::")[2]:
            reasons.append(f"state {name!r} runs a job to completion ({resource}); Express has "
                           "no .sync integrations")  # fmt: skip
        elif ":activity:" in resource:
            reasons.append(f"state {name!r} runs an activity; Express has no activities")
        seconds = state.get("Seconds") if state.get("Type") == "Wait" else None
        if isinstance(seconds, int | float) and seconds * 1000 > EXPRESS_MAX_MS:
            reasons.append(f"Wait {name!r} waits {seconds} s; an Express execution stops after "
                           "5 minutes")  # fmt: skip
    if expected_duration_ms is not None and expected_duration_ms > EXPRESS_MAX_MS:
        reasons.append(
            f"an execution takes {expected_duration_ms.normalize():f} ms on average; an Express "
            "execution stops after 5 minutes (300000 ms)"
        )
    return reasons
