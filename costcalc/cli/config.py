"""Project configuration: ``costcalc.toml`` or ``[tool.costcalc]`` in ``pyproject.toml``.

Found as ruff and black find theirs: from the working folder upwards, the first folder holding a
``costcalc.toml`` (or else a ``pyproject.toml`` with a ``[tool.costcalc]`` table) is the
project's; a ``pyproject.toml`` without the table is passed over. Its values become the defaults
of the flags they name, so a flag given on the command line always wins. ``costcalc config
show`` prints what was resolved and where each value came from.

A bad file (not TOML, an unknown key, a value of the wrong type) is refused before any command
runs, in one line naming the file and the key.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from costcalc.cli.arguments import DEFAULT_ORDERS, Commands, command, number
from costcalc.errors import CostcalcError
from costcalc.pricing.render import versioned
from orderflow_definitions.cli import Parser

FILE = "costcalc.toml"
PYPROJECT = "pyproject.toml"
DEFAULT_REGION = "us-east-1"
FORMATS = ("text", "json")


class ConfigError(CostcalcError):
    """The project's configuration cannot be used as written."""


@dataclass(frozen=True)
class _Key:
    """A configuration key: what it holds, how it is checked, and the flag whose default it is."""

    dest: str
    flag: str
    expected: str
    check: Callable[[Any], bool]


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_volume(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return False
    try:
        return number(str(value)) > 0
    except argparse.ArgumentTypeError:
        return False


KEYS: dict[str, _Key] = {
    "region": _Key("region", "--region", "a region name such as eu-west-1", _text),
    "volume": _Key(
        "orders_per_month",
        "--volume/--orders-per-month",
        "a number > 0 (250000, 2.5e5 or '250_000')",
        _is_volume,
    ),
    "usage": _Key(
        "usage",
        "--usage",
        "a list of file paths, relative to the configuration file",
        lambda v: isinstance(v, list) and all(_text(item) for item in v),
    ),
    "free_tier": _Key("free_tier", "--free-tier", "true or false", lambda v: isinstance(v, bool)),
    "format": _Key("format", "--format", "an output format name such as json", _text),
}


@dataclass(frozen=True)
class Config:
    """The values a project's configuration gives, and the file they came from."""

    values: Mapping[str, Any] = field(default_factory=dict)
    path: Path | None = None

    @property
    def origin(self) -> str:
        if self.path is None:
            return "default"
        return str(self.path) if self.path.name == FILE else f"{self.path} [tool.costcalc]"


def find(start: Path) -> Config:
    """The configuration that applies in ``start``: the nearest file upwards, or none."""
    for folder in (start, *start.parents):
        own = folder / FILE
        if own.is_file():
            return Config(_check(own, _read(own)), own)
        pyproject = folder / PYPROJECT
        if pyproject.is_file():
            table = _read(pyproject).get("tool", {}).get("costcalc")
            if table is not None:
                if not isinstance(table, dict):
                    raise ConfigError(f"{pyproject}: [tool.costcalc] must be a table")
                return Config(_check(pyproject, table), pyproject)
    return Config()


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read it ({error})") from None


def _check(path: Path, table: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in table.items():
        key = KEYS.get(name)
        if key is None:
            raise ConfigError(f"{path}: unknown key {name!r}; accepted: {', '.join(KEYS)}")
        if not key.check(value):
            raise ConfigError(f"{path}: {name} = {value!r}: expected {key.expected}")
        values[name] = value
    if "usage" in values:
        values["usage"] = [path.parent / item for item in values["usage"]]
    if "volume" in values:
        volume = number(str(values["volume"]))
        values["volume"] = volume.to_integral_value() if volume % 1 == 0 else volume
    return values


def apply(parser: argparse.ArgumentParser, config: Config) -> None:
    """Make the configured values the defaults of the flags they name, in every command that
    has the flag; a format is a default only where the command offers it."""
    for action, name in _configured(parser, config):
        value = config.values[name]
        if name == "usage" or (name == "format" and value not in (action.choices or ())):
            continue  # usage files: see with_usage
        action.default = value
    formats = {choice for action, name in _configured(parser, config) if name == "format"
               for choice in action.choices or ()}  # fmt: skip
    if "format" in config.values and config.values["format"] not in formats:
        raise ConfigError(
            f"{config.path}: format = {config.values['format']!r}: no command prints it; "
            f"accepted: {', '.join(sorted(formats))}"
        )


def with_usage(args: argparse.Namespace, config: Config) -> None:
    """The configured usage files where the command reads some and none was given (``--usage``
    appends, so a default list would be added to, not replaced, by the command line)."""
    if "usage" in config.values and getattr(args, "usage", ...) is None:
        args.usage = list(config.values["usage"])


def _configured(
    parser: argparse.ArgumentParser, config: Config
) -> Iterator[tuple[argparse.Action, str]]:
    by_dest = {key.dest: name for name, key in KEYS.items() if name in config.values}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                yield from _configured(sub, config)
        elif action.dest in by_dest and action.option_strings:
            yield action, by_dest[action.dest]


def register(commands: Commands) -> None:
    config = commands.add_parser(
        "config",
        help="show the project configuration costcalc resolved, and where each value came from",
        description=f"costcalc reads {FILE} or [tool.costcalc] in {PYPROJECT}, from the "
        "working folder upwards (the first found applies). Keys: "
        + ", ".join(f"{name} ({key.flag})" for name, key in KEYS.items())
        + ". A flag on the command line wins over the file.",
        epilog="Examples:\n  costcalc config show\n  costcalc config show --format json\n\n"
        f'An example {FILE}:\n  region = "eu-west-1"\n  volume = 1e6\n  free_tier = true\n'
        '  usage = ["usage/measured.yaml"]\n  format = "json"',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command(config, _name_an_action)
    actions = config.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    show = actions.add_parser(
        "show", help="the resolved values and where each came from", description="The values "
        "costcalc resolved from the project configuration (or its defaults), with their source."
    )  # fmt: skip
    show.add_argument("--format", choices=FORMATS, default="text", help="output format")
    command(show, _show)


def _name_an_action(args: argparse.Namespace) -> int:
    raise CostcalcError("name an action: show")


def resolved(config: Config) -> list[dict[str, Any]]:
    """Every key with the value in force and where it came from."""
    defaults: dict[str, Any] = {
        "region": DEFAULT_REGION,
        "volume": DEFAULT_ORDERS,
        "usage": [],
        "free_tier": False,
        "format": None,  # each command's own default
    }
    return [
        {
            "key": name,
            "value": config.values.get(name, defaults[name]),
            "source": config.origin if name in config.values else "default",
        }
        for name in KEYS
    ]


def _show(args: argparse.Namespace) -> int:
    config = find(Path.cwd())
    rows = resolved(config)
    if args.format == "json":
        document = versioned({"file": str(config.path) if config.path else None, "keys": rows})
        sys.stdout.write(json.dumps(document, indent=2, default=_plain) + "\n")
        return 0
    where = str(config.path) if config.path else f"none found ({FILE} or [tool.costcalc])"
    lines = [f"configuration file: {where}"]
    for row in rows:
        shown = _shown(row["value"])
        lines.append(f"  {row['key']:<10} {shown:<28} ({row['source']})")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return str(value)


def _shown(value: Any) -> str:
    if value is None:
        return "each command's own"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "none"
    if isinstance(value, Decimal):
        return f"{value:,}"
    return str(value)
