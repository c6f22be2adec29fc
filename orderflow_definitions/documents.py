"""Parsing a JSON or YAML document as CloudFormation reads it, within bounds.

- CloudFormation's short-form intrinsics: ``!Ref X`` is ``{"Ref": "X"}``, ``!Condition X`` is
  ``{"Condition": "X"}``, ``!GetAtt A.B`` is ``{"Fn::GetAtt": ["A", "B"]}``, every other ``!F``
  is ``{"Fn::F": ...}``.
- No YAML timestamps: ``Version: 2012-10-17`` stays the text CloudFormation sees, not a date
  that no JSON encoder (nor the SAM transform) takes.
- Bounds: aliases may expand to at most ``ALIAS_NODES`` nodes beyond the document's own (a
  578-byte "billion laughs" would otherwise expand to 387 million), and nesting is at most
  ``MAX_DEPTH`` deep. PyYAML's C parser is not used: it crashes the interpreter on deep nesting
  where the pure Python one raises an error this module reports.
- Number literals are at most ``MAX_NUMBER_CHARS`` characters long: Python refuses to convert an
  integer of more than 4,300 digits (a traceback, not a message), and no definition has one.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from orderflow_definitions.errors import DefinitionError

MAX_DEPTH = 100
ALIAS_NODES = 100_000
MAX_NUMBER_CHARS = 100
_NUMBER_TAGS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})


class _Resolver(yaml.resolver.Resolver):
    """YAML 1.1's implicit types without timestamps (CloudFormation reads dates as text)."""


_Resolver.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}


class _Loader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    yaml.constructor.SafeConstructor,
    _Resolver,
):
    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        _Resolver.__init__(self)


def _intrinsic(loader: _Loader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    name = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
    return {name: value}


_Loader.add_multi_constructor("!", _intrinsic)


def _expanded_size(node: yaml.Node, source: str) -> tuple[int, int]:
    """(nodes once aliases are expanded, distinct nodes), refusing cycles and deep nesting.

    Iterative, so that the check itself is not the thing a deep document breaks."""
    sizes: dict[int, int] = {}
    distinct = 0
    stack: list[tuple[yaml.Node, int, bool]] = [(node, 1, False)]
    open_nodes: set[int] = set()
    while stack:
        current, depth, done = stack.pop()
        key = id(current)
        if done:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(current))
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise DefinitionError(f"{source}: an alias refers to a node that contains it")
        if depth > MAX_DEPTH:
            raise DefinitionError(f"{source}: nested more than {MAX_DEPTH} levels deep")
        if isinstance(current, yaml.ScalarNode) and current.tag in _NUMBER_TAGS:
            check_number_literal(str(current.value), source)
        distinct += 1
        open_nodes.add(key)
        stack.append((current, depth, True))
        stack.extend((child, depth + 1, False) for child in _children(current))
    return sizes[id(node)], distinct


def check_bounds(node: yaml.Node, source: str) -> None:
    """Refuse a composed YAML document whose aliases expand too far or that nests too deep
    (for readers that walk nodes themselves, such as the usage-file reader)."""
    expanded, distinct = _expanded_size(node, source)
    if expanded - distinct > ALIAS_NODES:
        raise DefinitionError(
            f"{source}: its aliases expand to {expanded - distinct:,} more nodes "
            f"(at most {ALIAS_NODES:,} are read)"
        )


def check_number_literal(text: str, source: str) -> str:
    """``text`` if it is a number literal of a readable length; else one line saying why."""
    if len(text) > MAX_NUMBER_CHARS:
        raise DefinitionError(
            f"{source}: a number of {len(text):,} characters ({text[:20]}...) is not accepted; "
            f"numbers have at most {MAX_NUMBER_CHARS} characters"
        )
    return text


def load_json(text: str, source: str) -> Any:
    """``json.loads`` with number literals bounded and NaN/Infinity refused (not JSON)."""

    def constant(name: str) -> Any:
        raise DefinitionError(f"{source}: {name} is not a JSON number")

    return json.loads(
        text,
        parse_int=lambda literal: int(check_number_literal(literal, source)),
        parse_float=lambda literal: float(check_number_literal(literal, source)),
        parse_constant=constant,
    )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _json_depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(current, dict):
            stack.extend((v, depth + 1) for v in current.values())
        elif isinstance(current, list):
            stack.extend((v, depth + 1) for v in current)
    return deepest


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return " ".join(text.split()) if text else type(error).__name__


def parse_document(text: str, source: str) -> Any:
    """The JSON or YAML document ``text`` as plain data; ``source`` names it in messages."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            value = load_json(text, source)
        except RecursionError:
            raise DefinitionError(f"{source}: nested more than {MAX_DEPTH} levels deep") from None
        except json.JSONDecodeError as error:
            json_error: json.JSONDecodeError | None = error  # YAML flow style starts so too
        else:
            if _json_depth(value) > MAX_DEPTH:
                raise DefinitionError(f"{source}: nested more than {MAX_DEPTH} levels deep")
            return value
    else:
        json_error = None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        check_bounds(node, source)
        return loader.construct_document(node)
    except RecursionError:
        raise DefinitionError(f"{source}: nested more than {MAX_DEPTH} levels deep") from None
    except yaml.YAMLError as error:
        if json_error is not None:  # it looked like JSON: that is the error that helps
            raise DefinitionError(f"{source}: not valid YAML or JSON ({json_error})") from None
        raise DefinitionError(f"{source}: not valid YAML or JSON ({_first_line(error)})") from None
    finally:
        loader.dispose()
