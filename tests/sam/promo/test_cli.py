"""`python -m orderflow_localrun order --promo`: the promo stack beside the orders stack, from
the CLI.

Here rather than in tests/orderflow_localrun: a generated project without the promo service has no
sam/promo/ to deploy.
"""

from __future__ import annotations

import json
import re

import pytest

from orderflow_localrun.cli import main


def test_order_with_promo_shows_the_code_and_the_timeline_read_back(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["order", "--promo", "sam/promo/template.yaml"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^promo code issued: THANKS-[0-9A-Z]{8}$", out, re.MULTILINE)
    read_back = out.split("timeline (as GET /orders/{id} returns it):\n", 1)[1].splitlines()
    assert [line.split()[1] for line in read_back[:5]] == [
        "order_placed",
        "restaurant_notified",
        "order_accepted",
        "user_notified",
        "order_completed",
    ]


def test_a_rejected_order_with_promo_gets_no_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["order", "--outcome", "reject", "--promo", "sam/promo/template.yaml", "--json"]) == 0
    )
    assert json.loads(capsys.readouterr().out)["promo_code"] is None
