"""The root conftest's xdist scheduling: the slow tests it names exist and are taken first."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "tests/conftest.py")
assert _spec is not None
assert _spec.loader is not None
conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(conftest)


def test_every_test_scheduled_apart_is_a_test_of_its_file() -> None:
    for prefix in conftest.SCHEDULED_APART:
        path, name = prefix.rstrip("[").split("::")
        assert f"\ndef {name}(" in (ROOT / path).read_text(), prefix


def test_the_tests_scheduled_apart_are_taken_first_and_the_rest_keep_xdist_s_order() -> None:
    queue = conftest._ApartFirst()
    apart = [f"{prefix}x]" for prefix in conftest.SCHEDULED_APART]
    for scope in ("tests/a.py", apart[1], "tests/b.py", apart[0]):
        queue[scope] = {}
    taken = [queue.popitem(last=False)[0] for _ in range(4)]
    assert taken == [apart[1], apart[0], "tests/a.py", "tests/b.py"]
