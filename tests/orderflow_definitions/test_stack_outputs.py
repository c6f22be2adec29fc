from pathlib import Path

import pytest

from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.files import SMALL_FILE_BYTES
from orderflow_definitions.stack_outputs import read_stack_outputs


def test_an_outputs_object_is_read_as_written(tmp_path: Path) -> None:
    path = tmp_path / "outputs.json"
    path.write_text('{"ApiUrl": "https://x.example/", "Count": 2}')
    assert read_stack_outputs(path) == {"ApiUrl": "https://x.example/", "Count": 2}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", r"outputs.json: not JSON \(line 1\); write it with `make outputs`"),
        (b'["ApiUrl"]', "expected a JSON object of outputs, got list"),
        (b"[" * 100_000 + b"]" * 100_000, "outputs.json: not JSON; write it with"),
        (b'{"a": "\xff"}', "not UTF-8 text"),
        (b" " * (SMALL_FILE_BYTES + 1), "larger than 1,048,576 bytes; refusing to read it"),
    ],
    ids=["not-json", "a-list", "nested-too-deep", "not-utf8", "too-large"],
)
def test_an_unreadable_outputs_file_is_one_message_naming_it(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "outputs.json"
    path.write_bytes(content)
    with pytest.raises(DefinitionError, match=message):
        read_stack_outputs(path)


def test_a_missing_outputs_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match=r"missing\.json: cannot read the stack outputs file"):
        read_stack_outputs(tmp_path / "missing.json")
