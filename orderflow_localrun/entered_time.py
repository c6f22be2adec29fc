"""`$$.State.EnteredTime` as Step Functions writes it, not as moto's parser does.

AWS writes the time a state was entered as ISO 8601 in UTC with milliseconds and `Z`
(`2026-12-02T16:30:00.123Z`); moto's parser writes Python's `isoformat()` (`+00:00`, to the
microsecond). A state machine that copies it into an event (the orders machine's `occurred_at`)
would publish another format on the runner than on AWS, so the runner gives the parser a clock
whose times print as AWS's. That clock is the runner's (wall time plus however far a test
advanced it), the one its handlers read, so a state's time and a handler's agree.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any
from unittest import mock

from moto.stepfunctions.parser.asl.component.state import state as state_module


def aws_time(moment: datetime.datetime) -> str:
    """``moment`` as Step Functions writes a context-object time."""
    utc = moment.astimezone(datetime.UTC)
    # the base class's isoformat: `moment` may be the parser's clock, whose own calls this
    written = datetime.datetime.isoformat(utc, timespec="milliseconds")
    return written.removesuffix("+00:00") + "Z"


@contextmanager
def as_aws_writes_it(now: Callable[[], datetime.datetime]) -> Iterator[None]:
    """While in the block, states entered carry AWS's `EnteredTime` format, at the time `now`
    says."""

    class EnteredAt(datetime.datetime):
        @classmethod
        def now(cls, tz: datetime.tzinfo | None = None) -> EnteredAt:
            return cls.fromtimestamp(now().timestamp(), tz)

        def isoformat(self, sep: str = "T", timespec: str = "auto") -> str:
            return aws_time(self)

    clock: Any = SimpleNamespace(datetime=EnteredAt, timezone=datetime.timezone)
    with mock.patch.object(state_module, "datetime", clock):
        yield
