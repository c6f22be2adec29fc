"""Workload profiles: what one order consumes in each design, declared in YAML and validated.

A profile is a data file per design under ``costcalc/data/profiles/`` (``<design>.yaml``); every
figure in it carries a comment saying how it was derived from the order flow
(docs/design.md#the-order-flow-the-domain). A user
overrides figures with ``costcalc compare --usage FILE``: a file of one or more YAML documents in
the same schema, each naming the ``design`` it changes and holding only the keys it changes
(mappings merge key by key, any other value replaces the profile's).

Schema (version 1). Sizes are KB, durations ms; every per-path figure is a per-order average
(a number >= 0, 0 when left out)::

    schema: 1
    design: choreography            # the profile's name (file stem)
    title: Choreography: ...        # one line for people
    runnable: true                  # false: priced, shown, never recommended; needs why_not
    why_not: "..."                  # why the design cannot run the reference flow
    based_on: orchestration         # optional: start from another bundled profile, then merge
    api:     {request_kb: 1, access_log_kb: 0.5}     # HTTP API request size, access-log bytes
    events:  {size_kb: 1}                            # custom event size (64 KB chunks)
    notifications: {message_kb: 1, protocol: https}  # SNS message to restaurants, delivery
    tables:                                          # DynamoDB on-demand tables
      orders: {item_kb: 1.5, read: eventual}         # read: eventual (half a unit) or strong
    functions:                                       # Lambda functions, one per handler
      place_order: {trigger: api, memory_mb: 512, arch: arm64, duration_ms: 80,
                    cold_start_rate: 0.02, init_ms: 450, log_kb: 1.2,
                    ephemeral_storage_mb: 512}   # optional; 512 MB is free
    state_machine:                                   # optional (orchestration designs)
      type: standard                                 # standard or express
      log_kb_per_transition: 0                       # execution logs (vended) per state entered
      express_memory_mb: 64                          # express only: estimated memory
    tracing: {sampling_rate: 0.05}                   # X-Ray share of traces recorded
    logs: {retention_months: 1}                      # stored GB-months per GB ingested
    archive: {months_stored: 12}                     # optional: the bus's event archive, GB-months
                                                     # stored per GB archived (retention days /
                                                     # (730 / 24); a horizon when kept for good)
    monthly: {alarms: 10, metrics: 8, dashboards: 1} # fixed items that do not scale with orders
    paths:                                           # each of PATHS (all five)
      accepted:
        api_requests: 5          # HTTP API requests (each runs one `trigger: api` function)
        events: 5                # custom events put on the bus
        archived_events: 5       # of those, the ones the archive's pattern takes (size_kb each)
        rule_matches: 2          # rule deliveries (= invocations of `trigger: rule` functions)
        invocations: {place_order: 1}  # per function
        transitions: 13          # Standard: states entered (docs/design.md)
        executions: 1            # state machine executions (Start/End under --count-start-end)
        express_duration_ms: 900 # Express: billed duration per execution
        writes: {orders: 5}      # DynamoDB writes per table (units: ceil(item_kb / 1))
        reads: {orders: 2}       # DynamoDB reads per table (units: ceil(item_kb / 4), halved
                                 # when eventual)
        notifications: 1         # SNS publishes to restaurants, one delivery each
        emails: 1                # SES emails to the customer
        schedules_created: 1     # EventBridge Scheduler one-time schedules (not billed)
        schedules_fired: 0       # schedules that fired (billed invocations)
        traces: 10               # trace roots (sampled at tracing.sampling_rate)

A bundled profile may leave a function's ``init_ms`` out: it is then the INIT that the function's
cold import stands for, as ``benchmarks/cold_import.py --record`` measured it
(``costcalc/data/cold_imports.yaml``, per design and function), and :func:`provenance` names
that figure's source ``benchmark``.

Loading checks the shape (unknown keys, types, ranges) and the cross-references (functions and
tables a path names exist; rule matches equal invocations of rule-triggered functions; API
requests equal invocations of API-triggered functions; schedules fired equal invocations of
schedule-triggered functions). Every error names the file, the line and the key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from costcalc.errors import UsageError, clipped

PROFILE_DIR = Path(__file__).parent.parent / "data" / "profiles"
#: Each function's measured cold import (benchmarks/cold_import.py --record): the INIT a cold
#: start of it is priced at, wherever its profile gives no ``init_ms`` of its own.
COLD_IMPORTS = PROFILE_DIR.parent / "cold_imports.yaml"
SCHEMA_VERSION = 1
PATHS = ("accepted", "rejected", "timed_out", "cancelled", "overdue")
# `task`: invoked by a Step Functions task (lambda:invoke), billed like any invocation.
TRIGGERS = ("api", "rule", "stream", "schedule", "sns", "task")
READ_MODES = ("eventual", "strong")
MACHINE_TYPES = ("standard", "express")

# The schema as data: a key's spec is a kind name, a tuple of accepted words, a nested mapping,
# or ``{"*": spec}`` (any key, each value of that spec). Keys in OPTIONAL may be left out.
_NUMBER, _TEXT, _FLAG, _COUNT = "number", "text", "flag", "count"
#: A fraction of the whole (a rate, a sampling share): a number from 0 to 1.
_SHARE = "share"
#: The largest figure read: far beyond any month of orders, and small enough that every
#: quantity and amount stays exact in the renderers' decimal places.
MAX_FIGURE = Decimal(10) ** 12
#: A number with an exponent as JSON writes it (`1e-05`, `2E6`): YAML 1.1 reads it as text
#: unless it has a decimal point, so a JSON usage file would have its figures refused.
_JSON_EXPONENT = re.compile(r"-?\d+(\.\d+)?[eE][+-]?\d+")
_PATH_SPEC: dict[str, Any] = {
    "api_requests": _NUMBER,
    "events": _NUMBER,
    "archived_events": _NUMBER,
    "rule_matches": _NUMBER,
    "invocations": {"*": _NUMBER},
    "transitions": _NUMBER,
    "executions": _NUMBER,
    "express_duration_ms": _NUMBER,
    "writes": {"*": _NUMBER},
    "reads": {"*": _NUMBER},
    "notifications": _NUMBER,
    "emails": _NUMBER,
    "schedules_created": _NUMBER,
    "schedules_fired": _NUMBER,
    "traces": _NUMBER,
}
SCHEMA: dict[str, Any] = {
    "schema": _COUNT,
    "design": _TEXT,
    "title": _TEXT,
    "runnable": _FLAG,
    "why_not": _TEXT,
    "based_on": _TEXT,
    "api": {"request_kb": _NUMBER, "access_log_kb": _NUMBER},
    "events": {"size_kb": _NUMBER},
    "notifications": {"message_kb": _NUMBER, "protocol": _TEXT},
    "tables": {"*": {"item_kb": _NUMBER, "read": READ_MODES}},
    "functions": {
        "*": {
            "trigger": TRIGGERS,
            "memory_mb": _COUNT,
            "arch": ("x86_64", "arm64"),
            "duration_ms": _NUMBER,
            "cold_start_rate": _SHARE,
            "init_ms": _NUMBER,
            "log_kb": _NUMBER,
            "ephemeral_storage_mb": _COUNT,
        }
    },
    "state_machine": {
        "type": MACHINE_TYPES,
        "log_kb_per_transition": _NUMBER,
        "express_memory_mb": _NUMBER,
    },
    "tracing": {"sampling_rate": _SHARE},
    "logs": {"retention_months": _NUMBER},
    "archive": {"months_stored": _NUMBER},
    "monthly": {"alarms": _COUNT, "metrics": _COUNT, "dashboards": _COUNT},
    "paths": dict.fromkeys(PATHS, _PATH_SPEC),
}
OPTIONAL = frozenset(
    {
        "why_not",
        "based_on",
        "state_machine",
        "archive",
        "express_memory_mb",
        "ephemeral_storage_mb",
        *_PATH_SPEC,
    }
)


class ProfileError(UsageError):
    """A profile or usage file is malformed; the message names the file, line and key."""


@dataclass(frozen=True)
class Function:
    name: str
    trigger: str
    memory_mb: Decimal
    arch: str
    duration_ms: Decimal
    cold_start_rate: Decimal
    init_ms: Decimal
    log_kb: Decimal
    ephemeral_storage_mb: Decimal = Decimal(512)


@dataclass(frozen=True)
class PathUsage:
    """What one order on one path consumes (averages, so figures may be fractional)."""

    api_requests: Decimal
    events: Decimal
    archived_events: Decimal
    rule_matches: Decimal
    invocations: Mapping[str, Decimal]
    transitions: Decimal
    executions: Decimal
    express_duration_ms: Decimal
    writes: Mapping[str, Decimal]
    reads: Mapping[str, Decimal]
    notifications: Decimal
    emails: Decimal
    schedules_created: Decimal
    schedules_fired: Decimal
    traces: Decimal


@dataclass(frozen=True)
class Profile:
    """A validated workload profile; ``where`` maps dotted keys to ``file:line``."""

    design: str
    title: str
    runnable: bool
    why_not: str
    sources: tuple[str, ...]
    settings: Mapping[str, Any]
    functions: Mapping[str, Function]
    paths: Mapping[str, PathUsage]
    where: Mapping[str, str]

    def figure(self, dotted: str) -> Any:
        """A setting by dotted key, e.g. ``api.request_kb``."""
        value: Any = self.settings
        for part in dotted.split("."):
            value = value[part]
        return value

    def at(self, dotted: str) -> str:
        """``file:line`` of a key (or of its closest parent that has one)."""
        parts = dotted.split(".")
        while parts:
            found = self.where.get(".".join(parts))
            if found:
                return found
            parts.pop()
        return self.sources[-1]


def bundled_designs() -> list[str]:
    """The designs that ship a profile, in presentation order (runnable first)."""
    order = {"choreography": 0, "orchestration": 1}
    names = [path.stem for path in PROFILE_DIR.glob("*.yaml")]
    return sorted(names, key=lambda name: (order.get(name, 2), name))


def load_profiles(
    designs: list[str] | None = None, usage_files: list[Path] | None = None
) -> list[Profile]:
    """Load bundled profiles (all when ``designs`` is None) with user overrides merged in."""
    known = bundled_designs()
    wanted = designs or known
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise UsageError(f"unknown design {unknown[0]!r}; accepted: {', '.join(known)}")
    overrides: dict[str, list[_Document]] = {}
    for path in usage_files or []:
        for document in _usage_documents(path, known):
            overrides.setdefault(str(document.value["design"]), []).append(document)
    return [_build(_bundled_document(name), overrides.get(name, [])) for name in wanted]


def derived_profile(
    base: str,
    derived: Mapping[str, Any],
    source: str,
    usage_files: list[Path] | None = None,
) -> Profile:
    """The bundled profile ``base`` with figures read from a definition, then the user's.

    ``derived`` holds profile-schema keys. A definition names its own functions: the profile
    keeps only those (their durations, cold starts and logs, which no definition states), and
    each derived path's ``invocations`` replace the path's. Every
    derived key is recorded as coming from ``source``, so :func:`provenance` can tell
    definition, profile and user figures apart.
    """
    document = _bundled_document(base)
    kept = derived.get("functions", {})
    gone = [name for name in document.value["functions"] if name not in kept]
    for name in gone:
        del document.value["functions"][name]
    for name, path in derived.get("paths", {}).items():
        if "invocations" in path:
            document.value["paths"].get(name, {}).pop("invocations", None)
    stale = (
        *(f"functions.{name}" for name in gone),
        *(f"paths.{p}.invocations" for p in derived.get("paths", {})),
    )
    document.where = {
        k: v for k, v in document.where.items() if not any(_within(k, s) for s in stale)
    }
    where: dict[str, str] = {}
    _record(derived, "", source, where)
    _merge(document, _Document(_plain_numbers(derived), where, source))
    document.source = f"{document.source} + {source}"
    overrides = [d for f in usage_files or [] for d in _usage_documents(f, {base})]
    return _build(document, overrides)


def provenance(profile: Profile, dotted: str, definition_source: str) -> str:
    """Where a figure came from: ``definition``, ``profile``, ``benchmark`` or ``user``."""
    place = profile.at(dotted)
    if place.startswith(definition_source):
        return "definition"
    if place.startswith(f"costcalc/data/{COLD_IMPORTS.name}:"):
        return "benchmark"
    if place.startswith("costcalc/data/profiles/"):
        return "profile"
    return "user"


def _within(key: str, prefix: str) -> bool:
    return key == prefix or key.startswith(f"{prefix}.")


def _record(value: Any, key: str, source: str, where: dict[str, str]) -> None:
    if key:
        where[key] = source
    if isinstance(value, Mapping):
        for name, item in value.items():
            _record(item, _join(key, name), source, where)


def _plain_numbers(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {name: _plain_numbers(item) for name, item in value.items()}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    return value


def _usage_documents(path: Path, known: Any) -> Iterator[_Document]:
    """A usage file's documents, each checked against the schema and ``known`` designs."""
    for document in _read_documents(path):
        if "context" in document.value and "design" not in document.value:
            continue  # a context's figures (costcalc.workload.contexts reads them)
        name = document.value.get("design")
        if name not in known:
            raise ProfileError(
                f"{document.where.get('design', str(path))}: design {name!r} is not a "
                f"design with a profile; accepted: {', '.join(known)}"
            )
        _check_shape(document, SCHEMA, "", partial=True)
        if "based_on" in document.value:
            raise ProfileError(
                f"{document.where['based_on']}: based_on: only bundled profiles use it; a "
                "usage file changes the design it names"
            )
        yield document


def read_documents(path: Path) -> list[_Document]:
    """Every YAML document of ``path``, numbers as Decimal, each key with its ``file:line``."""
    return list(_read_documents(path))


def check_document(document: _Document, spec: dict[str, Any], *, partial: bool) -> None:
    """Check ``document`` against a schema ``spec``; ``partial`` allows missing keys."""
    _check_shape(document, spec, "", partial=partial)


def merge_documents(base: _Document, override: _Document) -> None:
    """Merge ``override`` into ``base``: mappings key by key, any other value replaces."""
    _merge(base, override)


@dataclass
class _Document:
    """A YAML document as plain values (numbers as Decimal) and each key's ``file:line``."""

    value: dict[str, Any]
    where: dict[str, str]
    source: str


def _bundled_document(name: str, seen: tuple[str, ...] = ()) -> _Document:
    path = PROFILE_DIR / f"{name}.yaml"
    documents = list(_read_documents(path))
    if len(documents) != 1:
        raise ProfileError(f"{path}: a profile is exactly one YAML document")
    document = documents[0]
    _check_shape(document, SCHEMA, "", partial=True)
    base = document.value.get("based_on")
    if base is None:
        _measured_inits(name, document)
        return document
    if base == name or base in seen or not (PROFILE_DIR / f"{base}.yaml").is_file():
        raise ProfileError(f"{document.where['based_on']}: based_on: no usable profile {base!r}")
    merged = _bundled_document(str(base), (*seen, name))
    _merge(merged, document)
    merged.value.pop("based_on", None)
    merged.source = f"{merged.source} + {document.source}"
    return merged


def _measured_inits(design: str, document: _Document) -> None:
    """Give each of the profile's functions that states no ``init_ms`` the INIT its measured cold
    import stands for (recorded per design under ``functions``), the record's line its place."""
    record = next(_read_documents(COLD_IMPORTS))
    measured = record.value.get("functions", {}).get(design, {})
    filled = False
    for name, function in document.value.get("functions", {}).items():
        if "init_ms" in function or name not in measured:
            continue
        function["init_ms"] = measured[name]["init_ms"]
        document.where[f"functions.{name}.init_ms"] = record.where[
            f"functions.{design}.{name}.init_ms"
        ]
        filled = True
    if filled:
        document.source = f"{document.source} + {record.source}"


def _read_documents(path: Path) -> Iterator[_Document]:
    import yaml  # noqa: PLC0415 - only commands that read profiles pay for importing it

    from orderflow_definitions.documents import check_bounds  # noqa: PLC0415
    from orderflow_definitions.errors import DefinitionError  # noqa: PLC0415
    from orderflow_definitions.files import SMALL_FILE_BYTES, read_text  # noqa: PLC0415

    try:
        text = read_text(path, "usage file", SMALL_FILE_BYTES)
        # the pure Python composer: libyaml's crashes the interpreter on deep nesting
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
        for node in nodes:
            check_bounds(node, str(path))
    except DefinitionError as error:
        raise ProfileError(str(error)) from None
    except RecursionError:
        raise ProfileError(f"{path}: nested too deeply to be a usage file") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise ProfileError(f"{path}{line}: not valid YAML ({problem})") from None
    if not nodes:
        raise ProfileError(f"{path}: the file holds no YAML document")
    for node in nodes:
        if not isinstance(node, yaml.MappingNode):
            raise ProfileError(
                f"{_label(path)}:{node.start_mark.line + 1}: expected a mapping of keys"
            )
        where: dict[str, str] = {}
        value = _plain(node, "", _label(path), where)
        yield _Document(value, where, _label(path))


def _label(path: Path) -> str:
    """How a file is named in messages: bundled data files by their place in the package."""
    if path.parent.parent == PROFILE_DIR.parent:  # bundled profiles and contexts
        return f"costcalc/data/{path.parent.name}/{path.name}"
    if path == COLD_IMPORTS:
        return f"costcalc/data/{path.name}"
    return str(path)


def _plain(node: Any, key: str, source: str, where: dict[str, str]) -> Any:
    """A node's value, numbers as exact Decimal from their text; records each key's line."""
    import yaml  # noqa: PLC0415

    here = f"{source}:{node.start_mark.line + 1}"
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            name = str(key_node.value)
            dotted = f"{key}.{name}" if key else name
            if name in result:
                raise ProfileError(f"{source}:{key_node.start_mark.line + 1}: {dotted}: repeated")
            where[dotted] = f"{source}:{key_node.start_mark.line + 1}"
            result[name] = _plain(value_node, dotted, source, where)
        return result
    if isinstance(node, yaml.SequenceNode):
        raise ProfileError(f"{here}: {key or 'document'}: lists are not part of the schema")
    text = str(node.value)
    if node.tag.endswith((":int", ":float")) or (
        node.style is None and _JSON_EXPONENT.fullmatch(text)
    ):
        try:
            number = Decimal(text.replace("_", ""))
        except InvalidOperation:
            raise ProfileError(f"{here}: {key}: {clipped(text)!r} is not a number") from None
        return number if number else abs(number)  # -0 is 0
    if node.tag.endswith(":bool"):
        return text.lower() in ("true", "yes", "on")
    if node.tag.endswith(":null"):
        return None
    return text


def _check_shape(document: _Document, spec: Any, key: str, *, partial: bool) -> None:
    _check_value(document, _lookup(document.value, key), spec, key, partial=partial)


def _lookup(value: Any, key: str) -> Any:
    for part in key.split(".") if key else []:
        value = value[part]
    return value


def _check_value(document: _Document, value: Any, spec: Any, key: str, *, partial: bool) -> None:
    if isinstance(spec, dict):
        _check_mapping(document, value, spec, key, partial=partial)
    else:
        _check_scalar(document.where.get(key, document.source), value, spec, key)


def _check_mapping(
    document: _Document, value: Any, spec: dict[str, Any], key: str, *, partial: bool
) -> None:
    where = document.where.get(key, document.source)
    if not isinstance(value, dict):
        raise ProfileError(f"{where}: {key}: expected a mapping of keys")
    fields = spec if "*" not in spec else dict.fromkeys(value, spec["*"])
    for name in value:
        if name not in fields:
            raise ProfileError(
                f"{document.where[_join(key, name)]}: {_join(key, name)}: unknown key "
                f"(accepted: {', '.join(spec)})"
            )
    for name, field in fields.items():
        if name in value:
            _check_value(document, value[name], field, _join(key, name), partial=partial)
        elif not partial and name not in OPTIONAL:
            raise ProfileError(f"{where}: {key or 'document'}: missing key {name!r}")


def _check_scalar(where: str, value: Any, spec: Any, key: str) -> None:
    if isinstance(spec, tuple):
        if value not in spec:
            raise ProfileError(f"{where}: {key}: {value!r} is not one of {', '.join(spec)}")
    elif spec == _TEXT:
        if not isinstance(value, str) or not value.strip():
            raise ProfileError(f"{where}: {key}: expected text, got {value!r}")
    elif spec == _FLAG:
        if not isinstance(value, bool):
            raise ProfileError(f"{where}: {key}: expected true or false, got {value!r}")
    elif not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise ProfileError(f"{where}: {key}: expected a number >= 0, got {_shown(value)}")
    elif spec == _SHARE and value > 1:
        raise ProfileError(f"{where}: {key}: expected a share from 0 to 1, got {value}")
    elif value > MAX_FIGURE:
        raise ProfileError(f"{where}: {key}: {_shown(value)} is over the limit of 1e12")
    elif spec == _COUNT and value != value.to_integral_value():
        raise ProfileError(f"{where}: {key}: expected a whole number, got {value}")


def _shown(value: Any) -> str:
    return clipped(str(value) if isinstance(value, Decimal) else repr(value))


def _join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


def _merge(base: _Document, override: _Document, key: str = "") -> None:
    """Merge ``override`` into ``base`` in place: mappings key by key, other values replace."""
    target = _lookup(base.value, key)
    for name, value in _lookup(override.value, key).items():
        dotted = _join(key, name)
        if isinstance(value, dict) and isinstance(target.get(name), dict):
            _merge(base, override, dotted)
        else:
            target[name] = value
            for other, place in override.where.items():
                if other == dotted or other.startswith(f"{dotted}."):
                    base.where[other] = place
        base.where.setdefault(dotted, override.where[dotted])


def _build(document: _Document, overrides: list[_Document]) -> Profile:
    sources = [document.source]
    for override in overrides:
        _merge(document, override)
        sources.append(override.source)
    _check_shape(document, SCHEMA, "", partial=False)
    doc, where = document.value, document.where
    if doc["schema"] != SCHEMA_VERSION:
        raise ProfileError(f"{where['schema']}: schema: {doc['schema']} is not {SCHEMA_VERSION}")
    if not doc["runnable"] and not doc.get("why_not"):
        raise ProfileError(f"{where['runnable']}: runnable: false needs a why_not")
    functions = {name: Function(name=name, **fields) for name, fields in doc["functions"].items()}
    paths = {name: _path(doc["paths"][name]) for name in PATHS}
    profile = Profile(
        design=doc["design"],
        title=doc["title"],
        runnable=doc["runnable"],
        why_not=doc.get("why_not", ""),
        sources=tuple(sources),
        settings=doc,
        functions=functions,
        paths=paths,
        where=where,
    )
    _check_references(profile)
    return profile


def _path(raw: Mapping[str, Any]) -> PathUsage:
    zero = Decimal(0)
    figures = {
        name: raw.get(name, {} if isinstance(spec, dict) else zero)
        for name, spec in _PATH_SPEC.items()
    }
    return PathUsage(**figures)


def _check_references(profile: Profile) -> None:
    machine = profile.settings.get("state_machine")
    for name, path in profile.paths.items():
        key = f"paths.{name}"
        for table in (*path.writes, *path.reads):
            if table not in profile.settings["tables"]:
                kind = "writes" if table in path.writes else "reads"
                raise ProfileError(
                    f"{profile.at(f'{key}.{kind}.{table}')}: {key}.{kind}.{table}: no table "
                    f"{table!r} under tables (has: {', '.join(profile.settings['tables'])})"
                )
        for function in path.invocations:
            if function not in profile.functions:
                raise ProfileError(
                    f"{profile.at(f'{key}.invocations.{function}')}: {key}.invocations."
                    f"{function}: no function {function!r} under functions "
                    f"(has: {', '.join(profile.functions)})"
                )
        if machine is None and (path.transitions or path.executions or path.express_duration_ms):
            raise ProfileError(
                f"{profile.at(key)}: {key}: state machine figures need state_machine"
            )
        if path.archived_events > path.events:
            raise ProfileError(
                f"{profile.at(f'{key}.archived_events')}: {key}.archived_events: "
                f"{path.archived_events} archived of {path.events} events put; an archive takes "
                "only events put on its bus"
            )
        if path.archived_events and "archive" not in profile.settings:
            raise ProfileError(
                f"{profile.at(f'{key}.archived_events')}: {key}.archived_events needs archive "
                "(archive: {months_stored: N})"
            )
        if path.express_duration_ms and (machine or {}).get("type") != "express":
            raise ProfileError(
                f"{profile.at(f'{key}.express_duration_ms')}: {key}.express_duration_ms: "
                "only an express state_machine bills duration"
            )
        for trigger, figure in (
            ("api", "api_requests"),
            ("rule", "rule_matches"),
            ("schedule", "schedules_fired"),
        ):
            invoked = sum(
                (
                    count
                    for fn, count in path.invocations.items()
                    if profile.functions[fn].trigger == trigger
                ),
                Decimal(0),
            )
            if invoked != getattr(path, figure):
                raise ProfileError(
                    f"{profile.at(f'{key}.{figure}')}: {key}.{figure} is "
                    f"{getattr(path, figure)} but the `trigger: {trigger}` functions are "
                    f"invoked {invoked} times on this path; they must agree"
                )
        if path.schedules_fired > path.schedules_created:
            raise ProfileError(
                f"{profile.at(f'{key}.schedules_fired')}: {key}.schedules_fired: more schedules "
                "fire than were created"
            )
