"""The usage file: what a definition cannot say, per resource, as Infracost lays it out.

::

    version: 0.1
    resource_usage:
      OrdersApi:
        requests_per_unit: {"POST /orders": 1}
      CheckoutFunction:
        duration_ms: 120
        calls: {OrdersTable: 1, OrdersBus: {order_placed: 1}}

Read with bounds (a size limit, no YAML aliases, numbers only where numbers are meant): a
usage file comes from whoever wrote it, and a 500-byte alias bomb must not take minutes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from costcalc.errors import UsageError

MAX_BYTES = 1_000_000
MAX_VALUE = Decimal(10) ** 12
VERSION = "0.1"


@dataclass(frozen=True)
class UsageFile:
    """Per resource (logical id), the figures the file gives; ``path`` for messages."""

    path: Path | None = None
    resources: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def figure(self, resource: str, key: str, sub: str | None = None) -> Decimal | None:
        """``resource.key`` (or ``resource.key.sub``) as a number; None when not given."""
        value = self.resources.get(resource, {}).get(key)
        where = f"{resource}.{key}"
        if sub is not None:
            value = self.mapping(resource, key).get(sub)
            where = f"{where}.{sub}"
        return None if value is None else self._number(value, where)

    def mapping(self, resource: str, key: str) -> dict[str, Any]:
        value = self.resources.get(resource, {}).get(key)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise UsageError(f"{self.path}: {resource}.{key}: expected a mapping, got {value!r}")
        return {str(k): v for k, v in value.items()}

    def numbers(self, resource: str, key: str) -> dict[str, Decimal]:
        return {
            name: number
            for name, value in self.mapping(resource, key).items()
            if (number := self._number(value, f"{resource}.{key}.{name}")) is not None
        }

    def _number(self, value: Any, where: str) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
            raise UsageError(f"{self.path}: {where}: {value!r} is not a number")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise UsageError(f"{self.path}: {where}: {value!r} is not a number") from None
        if not number.is_finite() or number < 0 or number > MAX_VALUE:
            raise UsageError(f"{self.path}: {where}: {value} must be a number from 0 to 1e12")
        return number


def read_usage_file(path: Path) -> UsageFile:
    """The usage file at ``path``; one line naming the file and the cause when it is unusable."""
    import yaml  # noqa: PLC0415

    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UsageError(
            f"{path}: cannot read the usage file ({error.strerror or error})"
        ) from None
    if len(raw) > MAX_BYTES:
        raise UsageError(f"{path}: the usage file is over {MAX_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: the usage file is not UTF-8 text") from None
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                raise UsageError(f"{path}: YAML aliases (*name) are not accepted in a usage file")
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        first = str(error).strip().splitlines()[0]
        raise UsageError(f"{path}: not valid YAML ({first})") from None
    # ``resource_usage:`` with nothing under it (what --init-usage writes when the definition
    # leaves nothing unknown) is an empty mapping, not a missing one.
    if not isinstance(document, Mapping) or not isinstance(
        document.get("resource_usage") or {}, Mapping
    ):
        raise UsageError(
            f"{path}: expected a usage file (version: {VERSION}, resource_usage: mapping of "
            "logical id to figures); costcalc estimate --init-usage FILE writes one"
        )
    resources = document.get("resource_usage") or {}
    for name, figures in resources.items():
        if figures is not None and not isinstance(figures, Mapping):
            raise UsageError(f"{path}: resource_usage.{name}: expected a mapping of figures")
    return UsageFile(path, {str(k): dict(v or {}) for k, v in resources.items()})


def is_usage_file(path: Path) -> bool:
    """Whether ``path`` is laid out as a usage file (``resource_usage``), not a profile."""
    try:
        head = path.read_bytes()[:MAX_BYTES].decode("utf-8", "replace")
    except OSError:
        return False
    return any(line.startswith("resource_usage:") for line in head.splitlines())
