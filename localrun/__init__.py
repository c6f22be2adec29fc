"""The local runner: deploys a SAM template into moto, in-process, and drives orders through it.

It reads everything from the template as samtranslator transforms it (tables, bus, rules and their
patterns, targets, event source mappings, function handlers and environment, the HTTP API's
routes) and fills in what moto cannot do without Docker: Lambda code runs in this process, rule
targets and stream records are delivered by the runner, and due schedules fire from its clock.
"""

from localrun.http import customer, restaurant_staff
from localrun.runner import LocalRunner

__all__ = ["LocalRunner", "customer", "restaurant_staff"]
