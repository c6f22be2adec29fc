"""Every event either orders stack publishes matches its versioned JSON Schema, and a break fails.

The schemas are read from where they are registered: the contracts stack's template.
"""

from __future__ import annotations

import copy
import json
import re
from contextlib import ExitStack
from pathlib import Path
from typing import Any, get_args

import jsonschema
import pytest
from documented import documented_section
from event_contracts import (
    CONTRACTS,
    PUBLISHED,
    digest,
    edited_versions,
    load_schema,
    registered_resources,
    registered_schemas,
    schema_name,
    violations,
)
from stack_helpers import (
    DEADLINE_SECONDS,
    ORDER_STACKS,
    ROOT,
    SENDER,
    TIMEOUT_SECONDS,
    drive,
    place,
    prepare,
)

from orderflow_localrun import LocalRunner
from orderflow_localrun.scenarios import ANSWERED_TIMEOUT_SECONDS
from orders.events import (
    CONTRACT_VERSION,
    CORRELATION_ID_PATTERN,
    DETAIL_MODELS,
    EventType,
    RejectReason,
)

OUTCOMES = ["completed", "rejected", "timed_out", "cancelled", "overdue"]


def _published_events(runner: LocalRunner) -> list[dict[str, Any]]:
    return [
        {"source": e.source, "detail-type": e.detail_type, "detail": e.detail}
        for e in runner.bus_events
    ]


@pytest.fixture(scope="module", params=list(ORDER_STACKS.values()), ids=lambda t: t.parent.name)
def every_published_event(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    """The events of one order on every path, through one style's stack."""
    template: Path = request.param
    events: list[dict[str, Any]] = []
    for outcome in OUTCOMES:
        with ExitStack() as stacks:
            # Only the time-out path gets the short timeout: a slow machine cannot turn an
            # answered order into a time-out.
            timeout = str(TIMEOUT_SECONDS) if outcome == "timed_out" else ANSWERED_TIMEOUT_SECONDS
            parameters = {"SenderEmail": SENDER, "AcceptanceTimeoutSeconds": timeout}
            if outcome == "overdue":
                parameters["OrderDeadlineSeconds"] = str(DEADLINE_SECONDS)
            runner = prepare(stacks.enter_context(LocalRunner.start(template, parameters)))
            drive(runner, place(runner), outcome)
            events += _published_events(runner)
    return events


def test_every_event_type_is_published_on_some_path(
    every_published_event: list[dict[str, Any]],
) -> None:
    assert {e["detail-type"] for e in every_published_event} == {t.value for t in EventType}


def test_every_published_event_matches_the_schema_of_its_version(
    every_published_event: list[dict[str, Any]],
) -> None:
    for event in every_published_event:
        assert violations(event) == [], (event["detail-type"], violations(event))


def _placed(every_published_event: list[dict[str, Any]]) -> dict[str, Any]:
    return copy.deepcopy(
        next(e for e in every_published_event if e["detail-type"] == "order_placed")
    )


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda d: d.pop("order_id"), "'order_id' is a required property"),
        (lambda d: d.update(customer_email="ana@example.com"), "Additional properties"),
        (lambda d: d.update(total=12.5), "12.5 is not of type 'string'"),
        (lambda d: d.update(occurred_at="yesterday"), "is not a 'date-time'"),
        (lambda d: d["items"][0].pop("quantity"), "'quantity' is a required property"),
        (lambda d: d.update(version=2), "2 is not one of ['2']"),
        (lambda d: d.update(correlation_id="ana@example.com"), "does not match"),
        (lambda d: d["items"][0].update(name="pizza\u202e"), "does not match"),
        (lambda d: d["items"][0].update(name="x" * 101), "is too long"),
    ],
    ids=["field-removed", "personal-data-added", "type-changed", "bad-timestamp",
         "nested-field-removed", "version-type-changed", "address-as-correlation-id",
         "bidi-override-in-item-name", "item-name-too-long"],
)  # fmt: skip
def test_a_breaking_change_to_an_event_fails_its_schema(
    every_published_event: list[dict[str, Any]], change: Any, complaint: str
) -> None:
    event = _placed(every_published_event)
    change(event["detail"])
    assert any(complaint in v for v in violations(event)), violations(event)


def test_an_event_of_an_unpublished_version_has_no_schema(
    every_published_event: list[dict[str, Any]],
) -> None:
    event = _placed(every_published_event)
    event["detail"]["version"] = "3"
    with pytest.raises(
        AssertionError,
        match=re.escape("order_placed version '3': no schema orderflow.orders@order_placed.v3"),
    ):
        violations(event)


def test_every_schema_is_a_valid_draft_4_schema_registered_under_its_event_and_version() -> None:
    for logical_id, resource in registered_resources(CONTRACTS.read_text()).items():
        properties = resource["Properties"]
        schema = json.loads(properties["Content"])
        jsonschema.Draft4Validator.check_schema(schema)
        event = schema["properties"]["detail-type"]["enum"]
        [version] = schema["properties"]["detail"]["properties"]["version"]["enum"]
        assert event == [schema["title"]], logical_id
        assert properties["SchemaName"] == schema_name(schema["title"], version), logical_id
        assert properties["Type"] == "JSONSchemaDraft4", logical_id


def test_every_event_model_has_a_schema_with_exactly_its_fields() -> None:
    for event_type, model in DETAIL_MODELS.items():
        # An event added in a later version (order_overdue, new in 2) has no older schema.
        for version in get_args(model.model_fields["version"].annotation):
            schema = load_schema(event_type.value, version)
            assert set(schema["properties"]["detail"]["properties"]) == set(model.model_fields)


def test_a_rejection_reason_in_version_2_is_one_of_the_codes_the_api_accepts() -> None:
    detail = load_schema("order_rejected", CONTRACT_VERSION)["properties"]["detail"]
    assert detail["properties"]["reason"]["enum"] == [code.value for code in RejectReason]


def test_the_correlation_id_pattern_of_version_2_is_the_one_the_api_enforces() -> None:
    for event_type in EventType:
        detail = load_schema(event_type.value, CONTRACT_VERSION)["properties"]["detail"]
        assert detail["properties"]["correlation_id"]["pattern"] == CORRELATION_ID_PATTERN


def test_published_versions_are_never_edited_only_added() -> None:
    published = json.loads(PUBLISHED.read_text())
    assert edited_versions(published, registered_schemas()) == []
    assert set(registered_schemas()) == set(published), (
        f"record each new schema version's digest in {PUBLISHED.relative_to(ROOT)}"
    )


def test_an_edit_to_a_published_schema_in_the_template_is_caught() -> None:
    published = json.loads(PUBLISHED.read_text())
    text = CONTRACTS.read_text().replace('"reason": {"type": "string"}', '"reason": {}', 1)
    edited = {
        r["Properties"]["SchemaName"]: json.loads(r["Properties"]["Content"])
        for r in registered_resources(text).values()
    }
    assert edited_versions(published, edited) == ["orderflow.orders@order_rejected.v1"]


def test_reformatting_a_schema_is_not_an_edit() -> None:
    schema = load_schema("order_placed", "1")
    assert digest(json.loads(json.dumps(schema, indent=4))) == digest(schema)


@pytest.mark.parametrize(
    "template", sorted(set((ROOT / "sam").glob("*/template.yaml")) - {CONTRACTS}),
    ids=lambda t: t.parent.name,
)  # fmt: skip
def test_only_the_contracts_stack_registers_schemas(template: Path) -> None:
    resources = registered_resources(template.read_text())
    assert resources == {}, f"{template.parent.name} registers {sorted(resources)}"
    assert "AWS::EventSchemas::Registry" not in template.read_text()


_COMMON_FIELDS = {"version", "order_id", "occurred_at", "correlation_id", "restaurant_id"}


def _documented_event_table() -> dict[str, set[str]]:
    """The documented contract table: detail-type -> the extra fields it names (in backticks)."""
    section = documented_section("The event contract")
    rows = re.findall(r"^\| `(\w+)` \| (.*) \|$", section, re.MULTILINE)
    fields: dict[str, set[str]] = {}
    for event, extras in rows:
        # Top-level fields only: the names before any parenthesised detail.
        top = re.sub(r"\([^)]*\)", "", extras)
        fields[event] = set(re.findall(r"`(\w+)`", top))
    return fields


def test_the_documented_contract_table_names_each_schemas_own_fields() -> None:
    schemas = {
        s["title"]: set(s["properties"]["detail"]["properties"]) - _COMMON_FIELDS
        for s in registered_schemas().values()
    }
    assert _documented_event_table() == schemas
