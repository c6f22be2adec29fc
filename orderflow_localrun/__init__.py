"""The local runner: deploys a SAM template into moto, in-process, and drives orders through it.

It reads everything from the template as samtranslator transforms it (tables, bus, rules and their
patterns, targets, event source mappings, function handlers and environment, the HTTP API's
routes) and fills in what moto cannot do without Docker: Lambda code runs in this process, rule
targets and stream records are delivered by the runner, and due schedules fire from its clock.

`python -m orderflow_localrun` enters through this module, so the runner (moto) is imported
only when ``LocalRunner`` is first asked for: without the extra, __main__ can still say which
one to install.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orderflow_localrun.http import customer, restaurant_staff

if TYPE_CHECKING:
    from orderflow_localrun.runner import LocalRunner

__all__ = ["LocalRunner", "customer", "restaurant_staff"]


def __getattr__(name: str) -> object:
    if name == "LocalRunner":
        from orderflow_localrun.runner import LocalRunner  # noqa: PLC0415 - imports moto

        return LocalRunner
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
