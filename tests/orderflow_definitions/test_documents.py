"""Documents parse as CloudFormation reads them, and within bounds."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from orderflow_definitions.documents import parse_document
from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.files import read_text

# 9 levels of 9 aliases: 578 bytes that expand to 9**9 (387 million) strings.
ALIAS_BOMB = "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
)


def test_short_form_intrinsics_read_as_their_long_form() -> None:
    document = parse_document(
        "A: !Ref X\nB: !Condition IsProd\nC: !GetAtt Fn.Arn\nD: !Sub '${X}'\nE: !If [C, 1, 2]\n",
        "t",
    )
    assert document == {
        "A": {"Ref": "X"},
        "B": {"Condition": "IsProd"},
        "C": {"Fn::GetAtt": ["Fn", "Arn"]},
        "D": {"Fn::Sub": "${X}"},
        "E": {"Fn::If": ["C", 1, 2]},
    }


def test_unquoted_dates_stay_the_text_cloudformation_reads() -> None:
    document = parse_document("AWSTemplateFormatVersion: 2010-09-09\nVersion: 2012-10-17\n", "t")
    assert document == {"AWSTemplateFormatVersion": "2010-09-09", "Version": "2012-10-17"}


def test_an_alias_bomb_is_refused_quickly_naming_the_file() -> None:
    started = time.perf_counter()
    with pytest.raises(DefinitionError, match=r"usage.yaml: its aliases expand to [\d,]+ more"):
        parse_document(ALIAS_BOMB, "usage.yaml")
    assert time.perf_counter() - started < 5  # not a benchmark: the old reader never returned


def test_a_few_aliases_are_read() -> None:
    assert parse_document("a: &x {k: 1}\nb: *x\n", "t") == {"a": {"k": 1}, "b": {"k": 1}}


BLOCK_NESTING = "\n".join("  " * i + f"k{i}:" for i in range(150)) + " 1\n"


@pytest.mark.parametrize("text", ["[" * 50_000 + "]" * 50_000, BLOCK_NESTING])
def test_deep_nesting_is_refused_not_a_crash(text: str) -> None:
    with pytest.raises(DefinitionError, match=r"nested more than 100 levels deep|not valid"):
        parse_document(text, "deep.yaml")


def test_deep_json_is_refused() -> None:
    with pytest.raises(DefinitionError, match="nested more than 100 levels deep"):
        parse_document("[" * 200 + "]" * 200, "deep.json")


def test_a_file_that_is_not_utf8_is_refused_in_one_line_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_bytes("Description: caf\u00e9\n".encode("latin-1"))
    with pytest.raises(DefinitionError, match=r"template.yaml: the template is not UTF-8 text"):
        read_text(path, "template", 1000)


def test_a_file_over_the_limit_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("x" * 2000)
    with pytest.raises(DefinitionError, match=r"big.yaml: the template is larger than 1,000"):
        read_text(path, "template", 1000)


@pytest.mark.parametrize(
    "text",
    [
        "Timeout: " + "9" * 5000 + "\n",
        "Timeout: 0." + "5" * 5000 + "\n",
        '{"Timeout": ' + "9" * 5000 + "}",
        '{"Timeout": 1.' + "5" * 5000 + "}",
    ],
    ids=["yaml-int", "yaml-float", "json-int", "json-float"],
)
def test_a_5000_digit_number_is_refused_in_one_line_naming_the_file(text: str) -> None:
    with pytest.raises(DefinitionError) as refused:
        parse_document(text, "template.yaml")
    [line] = str(refused.value).splitlines()
    assert line.startswith("template.yaml: a number of 5,00")
    assert len(line) < 200


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_constants_that_are_no_numbers_are_refused(constant: str) -> None:
    with pytest.raises(DefinitionError, match=f"t.json: {constant} is not a JSON number"):
        parse_document(f'{{"Timeout": {constant}}}', "t.json")


def test_numbers_of_a_sane_length_read_as_before() -> None:
    assert parse_document('{"A": 12, "B": 1.5e3}', "t") == {"A": 12, "B": 1500.0}
    assert parse_document("A: 12\nB: 1.5e+3\n", "t") == {"A": 12, "B": 1500.0}
