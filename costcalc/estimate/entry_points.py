"""Which resources work reaches from inside the template, and so are not entry points.

A resource is fed when a sender that work reaches sends to it. Work reaches a sender from an
API route or a schedule, or from a resource nothing in the template sends to (a rule on
AWS service events, a topic the template only subscribes to), but never from a function
nothing triggers: a custom resource's or a function invoked from outside, how often it runs is
in no definition, so what it may call is no reason to leave that resource unpriced. A loop
nothing outside reaches (a table whose stream consumer writes the table back, a state machine
whose callback function may answer it) is entered once, at its most upstream candidate entry.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping


def fed(
    sends: Mapping[str, Collection[str]],
    started: Collection[str],
    candidates: Iterable[str],
    silent: Collection[str],
) -> set[str]:
    """The resources work reaches. ``sends``: sender -> what it may send to; ``started``: what
    routes and schedules start; ``candidates``: resources that can be entry points, in order
    of preference; ``silent``: senders that start no work of their own when nothing sends to
    them (functions: they run only when triggered)."""
    received = {target for targets in sends.values() for target in targets} | set(started)
    origins = [name for name in sends if name not in received and name not in silent]
    live = {*started, *origins} | _reached([*started, *origins], sends)
    entered: set[str] = set()
    pending = [name for name in candidates if name in received and name not in live]
    while pending:
        downstream = {name: _reached([name], sends) for name in pending}
        upstream = [
            name
            for name in pending
            if not any(name in downstream[other] for other in pending if other != name)
        ]
        chosen = (upstream or pending)[0]
        entered.add(chosen)
        live |= {chosen} | downstream[chosen]
        pending = [name for name in pending if name not in live]
    reached = set(started) | {target for sender in live for target in sends.get(sender, ())}
    return reached - entered


def _reached(starts: Iterable[str], sends: Mapping[str, Collection[str]]) -> set[str]:
    """Everything one or more sends away from ``starts``."""
    found: set[str] = set()
    pending = [target for start in starts for target in sends.get(start, ())]
    while pending:
        name = pending.pop()
        if name not in found:
            found.add(name)
            pending.extend(sends.get(name, ()))
    return found
