"""Bad answers stop generation before anything is written, with or without hooks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from orderflow_generator.answers import SLUG_MAX, check_answers, slugify
from orderflow_generator.errors import AnswerRefused
from orderflow_generator.manifest import NotBuilt
from template_helpers import (
    ADDRESSES,
    BIN,
    BUILT,
    MANIFEST,
    NOT_BUILT,
    ROOT,
    TEMPLATE,
    answers_for,
    generate,
    run,
)

from orderflow_definitions.reader import read_document

CHOREOGRAPHY = BUILT[0]
BAD_ANSWERS = [
    ({"project_name": "!!!"}, r"project_name '!!!': its slug is empty"),
    ({"project_name": "42 orders"}, r"project_name '42 orders': its slug '42-orders' must start"),
    ({"project_name": "o" * (SLUG_MAX + 1)}, rf"at most {SLUG_MAX} characters"),
    ({"project_name": "o" * (SLUG_MAX + 1), "iac": "pulumi"}, rf"at most {SLUG_MAX} characters"),
    ({"aws_region": "us-east-7"}, r"aws_region 'us-east-7': expected a region .*eu-west-1"),
    ({"architecture": "sparc"}, r"architecture 'sparc': expected arm64 or x86_64"),
    ({"sender_email": "orders.example.com"}, r"sender_email 'orders.example.com': expected an"),
    ({"sender_email": ""}, r"sender_email '': expected an email address you can receive mail at"),
    ({"sender_email": "orders@example.com"}, r"sender_email 'orders@example.com': .*reserved"),
    ({"alarm_email": ""}, r"alarm_email '': expected an email address"),
    ({"alarm_email": "ops@shop.test"}, r"alarm_email 'ops@shop.test': .*reserved"),
    ({"acceptance_timeout_minutes": "\u00b2"}, r"'\u00b2': expected whole minutes"),
    ({"include-promo": "yes"}, r"'include-promo': not an answer this template asks; expected"),
    ({"acceptance_timeout_minutes": "0"}, r"'0': expected whole minutes from 1 to 1440"),
    ({"acceptance_timeout_minutes": "1441"}, r"'1441': expected whole minutes from 1 to 1440"),
    ({"acceptance_timeout_minutes": "2.5"}, r"'2.5': expected whole minutes"),
    (
        {"order_deadline_minutes": "0"},
        r"order_deadline_minutes '0': expected whole minutes from 1 "
        r"to 10080 \(OrderDeadlineSeconds in .* accepts 1 to 604800 seconds\)",
    ),
    ({"style": "saga"}, r"style 'saga': expected choreography or orchestration"),
    ({"iac": "terraform"}, r"iac 'terraform': expected sam, pulumi or both"),
    ({"include_promo": "maybe"}, r"include_promo 'maybe': expected no or yes"),
]


@pytest.mark.parametrize(("name", "slug"), [
    ("My Orders", "my-orders"), ("  Café -- Orders!! ", "cafe-orders"), ("orders_v2", "orders-v2"),
])  # fmt: skip
def test_the_slug_keeps_ascii_letters_and_digits_joined_by_single_hyphens(
    name: str, slug: str
) -> None:
    assert slugify(name) == slug


@pytest.mark.parametrize("accept_hooks", [False, True], ids=["hooks-off", "hooks-on"])
@pytest.mark.parametrize(("answer", "message"), BAD_ANSWERS, ids=lambda v: str(v)[:30])
def test_a_bad_answer_is_refused_by_name_and_leaves_nothing_written(
    tmp_path: Path, answer: dict[str, str], message: str, accept_hooks: bool
) -> None:
    output = tmp_path / "out"
    output.mkdir()
    with pytest.raises(AnswerRefused, match=message):
        generate(output, accept_hooks=accept_hooks, **answers_for(CHOREOGRAPHY, **answer))
    assert list(output.iterdir()) == []


def test_every_bad_answer_is_named_at_once_one_line_each(tmp_path: Path) -> None:
    bad = {"aws_region": "mars-1", "sender_email": "", "acceptance_timeout_minutes": "ten"}
    with pytest.raises(AnswerRefused) as refused:
        generate(tmp_path, **answers_for(CHOREOGRAPHY, **bad))
    lines = str(refused.value).splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == [
        "aws_region",
        "sender_email",
        "acceptance_timeout_minutes",
    ]
    assert list(tmp_path.iterdir()) == []


def test_every_combination_builds_today() -> None:
    assert NOT_BUILT == []
    assert len(BUILT) == 12


def test_a_combination_the_manifest_says_is_not_built_is_refused_saying_why() -> None:
    manifest = replace(
        MANIFEST,
        not_built=(NotBuilt({"iac": ("pulumi", "both")}, "its twin is not written yet"),),
    )
    answers = answers_for(CHOREOGRAPHY, iac="both", sender_email="a@b.co")
    parameters = read_document(ROOT / MANIFEST.sam_templates["choreography"])["Parameters"]
    with pytest.raises(AnswerRefused) as refused:
        check_answers(answers, manifest, parameters, "sam/choreography/template.yaml")
    assert (
        str(refused.value) == "iac both is not built in this kit yet: its twin is not written yet"
    )


def test_minutes_are_written_as_seconds(tmp_path: Path) -> None:
    answers = answers_for(CHOREOGRAPHY, acceptance_timeout_minutes=7, order_deadline_minutes=45)
    samconfig = (generate(tmp_path, **answers) / "samconfig.toml").read_text()
    assert "AcceptanceTimeoutSeconds=420 " in samconfig
    assert "OrderDeadlineSeconds=2700 " in samconfig


@pytest.mark.parametrize(
    ("answer", "start"),
    [
        ("aws_region=mars-1", "aws_region 'mars-1': expected a region"),
        ("include-promo=yes", "'include-promo': not an answer this template asks"),
        (
            "acceptance_timeout_minutes=\u00b2",
            "acceptance_timeout_minutes '\u00b2': expected whole",
        ),
    ],
)
def test_the_cookiecutter_cli_reports_a_refusal_on_one_line(
    tmp_path: Path, answer: str, start: str
) -> None:
    addresses = [f"{key}={value}" for key, value in ADDRESSES.items()]
    result = run(
        BIN / "cookiecutter", "--no-input", TEMPLATE, "-o", tmp_path, *addresses, answer,
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1
    [line] = result.stdout.strip().splitlines()
    assert line.startswith(start)
    assert "Traceback" not in result.stdout + result.stderr
    assert list(tmp_path.iterdir()) == []
