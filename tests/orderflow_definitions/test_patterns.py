"""The one EventBridge matcher: AWS's documented examples, and moto's matcher as a differential
oracle wherever moto follows AWS."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from moto.events.models import EventPattern

from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.patterns import matches

STATE_NOT_INIT = {"detail": {"state": [{"anything-but": {"prefix": "init"}}]}}


@pytest.mark.parametrize(
    ("pattern", "event", "expected"),
    [
        # AWS: "anything-but prefix" — every state that does not begin with "init"
        (STATE_NOT_INIT, {"detail": {"state": "initializing"}}, False),
        (STATE_NOT_INIT, {"detail": {"state": "running"}}, True),
        # AWS: anything-but suffix, equals-ignore-case and wildcard
        ({"FileName": [{"anything-but": {"suffix": ".txt"}}]}, {"FileName": "a.txt"}, False),
        ({"FileName": [{"anything-but": {"suffix": ".txt"}}]}, {"FileName": "a.png"}, True),
        (
            {"state": [{"anything-but": {"equals-ignore-case": ["Stopped", "OverLoaded"]}}]},
            {"state": "stopped"},
            False,
        ),
        (
            {"FilePath": [{"anything-but": {"wildcard": "*/lib/*"}}]},
            {"FilePath": "/a/lib/b"},
            False,
        ),
        ({"FilePath": [{"anything-but": {"wildcard": "*/lib/*"}}]}, {"FilePath": "/a/bin/b"}, True),
        # AWS: a filter other than exists never matches an absent field
        (STATE_NOT_INIT, {"detail": {}}, False),
        (
            {"detail": {"c-count": [{"numeric": [">", 0, "<=", 5]}]}},
            {"detail": {"c-count": 5}},
            True,
        ),
        (
            {"detail": {"c-count": [{"numeric": [">", 0, "<=", 5]}]}},
            {"detail": {"c-count": 6}},
            False,
        ),
        ({"source": [{"prefix": {"equals-ignore-case": "ORDER"}}]}, {"source": "orders.x"}, True),
        ({"ip": [{"cidr": "10.0.0.0/24"}]}, {"ip": "10.0.0.255"}, True),
        ({"$or": [{"a": ["x"]}, {"b": [{"exists": True}]}]}, {"b": 1}, True),
    ],
)
def test_aws_documented_examples_match_as_aws_says(
    pattern: dict[str, Any], event: dict[str, Any], expected: bool
) -> None:
    assert matches(pattern, event) is expected


def test_where_moto_is_not_aws_the_matcher_follows_aws() -> None:
    """moto compares with Python's ``==`` (``True == 1``) and does not look into arrays of
    objects; EventBridge compares JSON values and flattens arrays of objects."""
    assert EventPattern.load(json.dumps({"a": [1]})).matches_event({"a": True})
    assert not matches({"a": [1]}, {"a": True})
    assert not matches({"a": [{"numeric": [">", 0]}]}, {"a": True})
    assert not EventPattern.load(json.dumps({"a": {"b": [1]}})).matches_event({"a": [{"b": 1}]})
    assert matches({"a": {"b": [1]}}, {"a": [{"b": 1}, {"b": 2}]})


def test_an_operator_eventbridge_does_not_document_is_refused_naming_the_pattern() -> None:
    with pytest.raises(DefinitionError, match=r"Rule\.EventPattern: pattern operator 'regex'"):
        matches({"a": [{"regex": "x+"}]}, {"a": "x"}, "Rule.EventPattern")


# ------------------------------------------------------------------ the differential test
KEYS = st.sampled_from(["a", "b", "c"])
TEXT = st.text(alphabet="aAb1.", max_size=4)
# No booleans and no 0/1: moto's ``True == 1`` is the disagreement tested above.
SCALARS = st.one_of(TEXT, st.integers(min_value=2, max_value=9), st.none())
EVENT_VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=3))
EVENTS = st.recursive(
    st.dictionaries(KEYS, EVENT_VALUES, min_size=1, max_size=3),
    lambda inner: st.dictionaries(KEYS, st.one_of(EVENT_VALUES, inner), min_size=1, max_size=3),
    max_leaves=6,
)
FILTERS = st.one_of(
    SCALARS,
    st.builds(lambda t: {"prefix": t}, TEXT),
    st.builds(lambda t: {"suffix": t}, TEXT),
    st.builds(lambda t: {"equals-ignore-case": t}, TEXT),
    st.builds(lambda t: {"wildcard": t}, st.text(alphabet="ab*", max_size=4)),
    st.builds(lambda v: {"anything-but": v}, st.one_of(SCALARS, st.lists(SCALARS, min_size=1))),
    st.builds(lambda t: {"anything-but": {"prefix": t}}, TEXT),
    st.builds(lambda t: {"anything-but": {"suffix": t}}, TEXT),
    st.builds(lambda b: {"exists": b}, st.booleans()),
    st.builds(
        lambda op, n: {"numeric": [op, n]},
        st.sampled_from(["<", "<=", "=", ">=", ">"]),
        st.integers(min_value=2, max_value=9),
    ),
)
PATTERNS = st.recursive(
    st.dictionaries(KEYS, st.lists(FILTERS, min_size=1, max_size=3), min_size=1, max_size=2),
    lambda inner: st.dictionaries(KEYS, inner, min_size=1, max_size=2),
    max_leaves=4,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pattern=PATTERNS, event=EVENTS)
def test_the_matcher_agrees_with_motos_wherever_moto_follows_aws(
    pattern: dict[str, Any], event: dict[str, Any]
) -> None:
    try:
        oracle = EventPattern.load(json.dumps(pattern))
    except Exception:
        assume(False)
        raise
    assert matches(pattern, event) == oracle.matches_event(event)  # type: ignore[arg-type]
