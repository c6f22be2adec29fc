"""The orders bus's event contract: twin of sam/contracts/template.yaml.

One schema registry, named after the stack, with one JSON Schema per event and contract version.
Each schema's content is read from the SAM template, its only copy; this program says which
events and versions it registers. A breaking change is a new version beside the old one.
"""

import sys
from pathlib import Path

# The building blocks every stack shares live beside the projects, in pulumi/orderflow_infra.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pulumi

from orderflow_infra.contracts import EventVersion, schema_contents, schema_registry
from orderflow_infra.deployment import Deployment

ORDER_SOURCE = "orderflow.orders"
# Version 2 bounds what a caller influences (an identifier as correlation_id, reason codes,
# plain item names); version 1 stays registered while consumers read archived events.
PUBLISHED = [
    EventVersion(event, version)
    for version in (1, 2)
    for event in (
        "order_accepted",
        "order_cancelled",
        "order_completed",
        "order_placed",
        "order_rejected",
        "order_timed_out",
        "restaurant_notified",
        "user_notified",
    )
]
# order_overdue is new in version 2: there is no order_overdue.v1.
PUBLISHED.append(EventVersion("order_overdue", 2))

deployment = Deployment.current(context="contracts")
registry = schema_registry(
    deployment,
    description="The orders bus's event contract, one JSON Schema per event and version.",
    source=ORDER_SOURCE,
    published=PUBLISHED,
    contents=schema_contents(),
)

# Named as the SAM template's outputs.
pulumi.export("RegistryName", registry.name)
pulumi.export("RegistryArn", registry.arn)
