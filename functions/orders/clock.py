"""The time, as every handler reads it: `now()`, the system's clock in AWS.

The local runner runs handlers in its own process and replaces `now` with its clock while one
runs (`orderflow_localrun.lambdas.HANDLER_CLOCK`), so a test moves time forward
(`runner.advance`) instead of sleeping through it. Code reads the time through
`orders.events.utcnow`, which looks `now` up here on every call.
"""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
