"""X-Ray traces a template records: which resources trace, and how many traces are kept.

A resource traces when its definition says so: a Lambda function with ``TracingConfig.Mode:
Active`` (SAM's ``Tracing: Active``), a state machine with ``TracingConfiguration.Enabled``, a
REST API stage with ``TracingEnabled`` (HTTP APIs cannot trace). X-Ray bills each trace once,
where it starts: a traced resource reached with no traced resource upstream is a trace's root.
The trace header travels with a synchronous call, a state machine's task, an EventBridge event,
an SNS message and an SQS message, so what they reach joins the caller's trace; a stream or
table-stream record, an S3 notification and a schedule carry none, so a traced consumer there
starts its own.

How many roots are recorded is the sampling rule's: X-Ray's default rule keeps the first
request each second (its reservoir) and 5 % of the rest. Spread evenly over AWS's 730-hour
month, roots up to one a second are all kept, and above that the reservoir's month plus 5 % of
the remainder. The rule is account-wide, so it applies to the template's roots together, and each
root's share of what is kept is its share of the roots. A usage file's ``traced_share`` on a root
(0 to 1) replaces the default rule for that root: custom sampling rules, bursty traffic.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from costcalc.estimate.refs import mentioned
from costcalc.estimate.schedule_rate import HOURS_PER_MONTH
from costcalc.estimate.template import Template

#: X-Ray's default sampling rule: the reservoir (traces a second) and the fixed rate after it.
RESERVOIR_PER_SECOND = Decimal(1)
FIXED_RATE = Decimal("0.05")
_SECONDS_A_MONTH = HOURS_PER_MONTH * 3600
DEFAULT_RULE = (
    "X-Ray's default sampling rule: the first request each second and 5 % of the rest, "
    "for roots spread evenly over a 730-hour month"
)


def traced_resources(template: Template, traced_functions: set[str]) -> set[str]:
    """Logical ids of what traces: ``traced_functions``, state machines with tracing on, and
    REST APIs with a traced stage."""
    found = set(traced_functions)
    for name, resource in template.of_type("AWS::StepFunctions::StateMachine").items():
        configuration = template.resolve(
            (resource.get("Properties") or {}).get("TracingConfiguration"),
            f"{name}.TracingConfiguration",
        )
        if isinstance(configuration, Mapping) and _true(configuration.get("Enabled")):
            found.add(name)
    apis = set(template.of_type("AWS::ApiGateway::RestApi"))
    for name, stage in template.of_type("AWS::ApiGateway::Stage").items():
        properties = stage.get("Properties") or {}
        if _true(template.resolve(properties.get("TracingEnabled"), f"{name}.TracingEnabled")):
            found.update(mentioned(properties.get("RestApiId"), apis))
    return found


def default_share(roots_a_month: Decimal) -> Decimal:
    """The share of ``roots_a_month`` evenly spread roots the default rule records."""
    if roots_a_month <= 0:
        return Decimal(0)
    reservoir = RESERVOIR_PER_SECOND * _SECONDS_A_MONTH
    if roots_a_month <= reservoir:
        return Decimal(1)
    return (reservoir + FIXED_RATE * (roots_a_month - reservoir)) / roots_a_month


def _true(value: object) -> bool:
    return value is True or str(value).lower() == "true"
