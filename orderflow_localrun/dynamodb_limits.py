"""DynamoDB's key size limits on every call that names a key, as AWS enforces them.

moto checks a partition key's 2048 bytes (a sort key's 1024) on PutItem only; AWS refuses an
oversized key on GetItem, UpdateItem and DeleteItem too, with a ValidationException, which a
handler that does not check its input turns into a 500. The runner enforces the limits on those
calls as well, so a test sees what AWS would answer.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any
from unittest import mock

from moto.dynamodb.models import DynamoDBBackend

_KEYED_CALLS = {"get_item": "keys", "update_item": "key", "delete_item": "key"}


def _checking_keys(original: Callable[..., Any], argument: str) -> Callable[..., Any]:
    @functools.wraps(original)
    def call(backend: DynamoDBBackend, table_name: str, *args: Any, **kwargs: Any) -> Any:
        key = kwargs.get(argument, args[0] if args else None)
        if isinstance(key, dict):
            backend.get_table(table_name)._validate_key_sizes(key)
        return original(backend, table_name, *args, **kwargs)

    return call


@contextmanager
def enforced() -> Iterator[None]:
    """While inside, moto refuses oversized keys wherever AWS does."""
    with ExitStack() as stack:
        for name, argument in _KEYED_CALLS.items():
            original = getattr(DynamoDBBackend, name)
            stack.enter_context(
                mock.patch.object(DynamoDBBackend, name, _checking_keys(original, argument))
            )
        yield
