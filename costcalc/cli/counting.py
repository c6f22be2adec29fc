"""The flags that say what a definition cannot: choice shares, loop passes, Map items, retries,
redrives and Express durations (``estimate``, ``diff`` and ``report`` share them)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from costcalc.errors import UsageError
from costcalc.estimate.transitions import DEFAULT_PATH_CAP, Counting

_MAX_PATHS = 1000

_HELP = (
    ("--loop", "STATE=N", "mean extra passes through the loop headed by STATE per execution "
     "that reaches it (fractional, e.g. 0.05; default 1)"),
    ("--map-items", "STATE=N", "items a Map state iterates over, per execution (whole number)"),
    ("--choice", "STATE=NEXT[:P][,NEXT:P...]",
     "outcome shares of a Choice (or of a state's Catch): NEXT alone pins it; shares add up to "
     "1 for a Choice; a Catch's shares leave the rest to Next (default: equal shares for a "
     "Choice, Catch never taken)"),
    ("--state-duration-ms", "STATE=MS", "Express: the duration of one entry of STATE "
     "(default 100 ms a Lambda task, 50 ms another task, 0 ms a flow state, a Wait its Seconds)"),
)  # fmt: skip


def add_counting_arguments(
    parser: argparse.ArgumentParser, number: Callable[[str], Decimal]
) -> None:
    for flag, metavar, text in _HELP:
        parser.add_argument(flag, action="append", default=[], metavar=metavar, help=text)
    parser.add_argument(
        "--retry-rate", type=number, default=Decimal(0), metavar="RATE",
        help="expected retries per entry of a state with Retry (default 0)",
    )  # fmt: skip
    parser.add_argument(
        "--redrive-rate", type=number, default=Decimal(0), metavar="SHARE",
        help="share of failed executions redriven once, from the state that failed; the "
        "redrive bills every state it re-enters (default 0)",
    )  # fmt: skip
    parser.add_argument(
        "--paths", type=int, default=DEFAULT_PATH_CAP, metavar="N",
        help=f"list the N most probable paths (default {DEFAULT_PATH_CAP}, at most {_MAX_PATHS})",
    )  # fmt: skip


def counting_from(args: argparse.Namespace) -> Counting:
    """The ``Counting`` the flags describe; a malformed value is one line naming it."""
    rates: tuple[tuple[str, Decimal], ...] = (
        ("--retry-rate", args.retry_rate),
        ("--redrive-rate", args.redrive_rate),
    )
    for flag, rate in rates:
        if not rate.is_finite() or rate < 0:
            raise UsageError(f"{flag} {rate}: expected a number >= 0")
    if args.redrive_rate > 1:
        raise UsageError(f"--redrive-rate {args.redrive_rate}: expected a share from 0 to 1")
    if not 1 <= args.paths <= _MAX_PATHS:
        raise UsageError(f"--paths {args.paths}: expected a whole number from 1 to {_MAX_PATHS}")
    return Counting(
        loops=_numbers("--loop", args.loop, whole=False),
        map_items=_numbers("--map-items", args.map_items, whole=True),
        choices={
            name: _shares(name, value)
            for name, value in pairs("--choice", args.choice, "IsAccepted=SaveAccepted").items()
        },
        retry_rate=args.retry_rate,
        redrive_rate=args.redrive_rate,
        durations_ms=_numbers("--state-duration-ms", args.state_duration_ms, whole=False),
        path_cap=args.paths,
    )


def pairs(flag: str, given: list[str], example: str) -> dict[str, str]:
    """``NAME=VALUE`` flags as a mapping (the name ends at the first '=')."""
    found = {}
    for pair in given:
        name, sep, value = pair.partition("=")
        if not sep or not name or not value:
            raise UsageError(f"{flag} {pair!r}: expected NAME=VALUE, e.g. {example}")
        found[name] = value
    return found


def _numbers(flag: str, given: list[str], *, whole: bool) -> dict[str, Decimal]:
    found = {}
    for name, value in pairs(flag, given, f"{flag} Poll=3").items():
        number = _decimal(value)
        if number is None or number < 0 or (whole and number != number.to_integral_value()):
            kind = "a whole number >= 0" if whole else "a number >= 0"
            raise UsageError(f"{flag} {name}={value}: expected {kind}")
        found[name] = number
    return found


def _shares(name: str, value: str) -> dict[str, Decimal]:
    """``NEXT`` (pinned), or ``NEXT:P,OTHER:Q``; a name may hold ':' (the last one splits)."""
    items = value.split(",")
    if len(items) == 1 and _share(items[0]) is None:
        return {value: Decimal(1)}
    shares = {}
    for item in items:
        parsed = _share(item)
        if parsed is None:
            raise UsageError(
                f"--choice {name}={value}: {item!r}: expected NEXT:P with P from 0 to 1 "
                "(e.g. --choice Check=Yes:0.8,No:0.2)"
            )
        shares[parsed[0]] = parsed[1]
    return shares


def _share(item: str) -> tuple[str, Decimal] | None:
    target, sep, text = item.rpartition(":")
    number = _decimal(text) if sep else None
    if not target or number is None or not 0 <= number <= 1:
        return None
    return target, number


def _decimal(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None
