"""The client against the runner's gateway: sign-in by SRP to the stack's pool in moto, the
first-password change, and an order placed, accepted and completed through real HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from stack_helpers import ORDER_STACKS, StartStack

from orderclient.cli import NEW_PASSWORD_VARIABLE, PASSWORD_VARIABLE, main
from orderflow_localrun import LocalRunner
from orderflow_localrun.gateway import serving
from orderflow_localrun.scenarios import ANSWERED_TIMEOUT_SECONDS

CHEF = "chef@pizza-one.example"
ALICE = "alice@example.com"


@pytest.fixture
def walk(
    start_stack: StartStack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LocalRunner]:
    """A stack on the runner behind its gateway, its restaurants registered, its outputs in
    outputs.json in the cwd (the first orders stack here: the kit has both, a project its own)."""
    template = next(iter(ORDER_STACKS.values()))
    runner = start_stack(template, AcceptanceTimeoutSeconds=ANSWERED_TIMEOUT_SECONDS)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(PASSWORD_VARIABLE, "Temporary-Pass-1")
    monkeypatch.setenv(NEW_PASSWORD_VARIABLE, "Chosen-Password-2")
    with serving(runner) as url:
        outputs = {**runner.deployment.outputs, "ApiUrl": url}
        (tmp_path / "outputs.json").write_text(json.dumps(outputs))
        yield runner


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_a_customer_and_a_restaurant_sign_in_and_take_an_order_to_completed(
    walk: LocalRunner, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (
        ["add-user", "--email", CHEF, "--restaurant", "pizza-1"],
        ["add-user", "--email", ALICE],
        ["sign-in", "--email", CHEF],
        ["sign-in", "--email", ALICE],
    ):
        assert _run(capsys, *argv)[0] == 0
    status, out, _ = _run(
        capsys, "place", "--as", ALICE, "--restaurant", "pizza-1", "--item", "margherita:2:9.50"
    )
    assert (status, out.split()[-1]) == (0, "placed")
    assert _run(capsys, "accept", "--as", CHEF)[1].split()[-1] == "accepted"
    assert _run(capsys, "complete", "--as", CHEF)[1].split()[-1] == "completed"
    status, out, _ = _run(capsys, "timeline", "--as", ALICE)
    events = [line.split()[-1] for line in out.splitlines()[1:]]
    assert (status, events[0], "order_completed" in events) == (0, "order_placed", True)


def test_no_token_is_ever_printed(walk: LocalRunner, capsys: pytest.CaptureFixture[str]) -> None:
    _run(capsys, "add-user", "--email", ALICE)
    status, out, err = _run(capsys, "sign-in", "--email", ALICE)
    stored = json.loads(next(Path(".orderclient").glob("*.json")).read_text())
    assert status == 0
    assert stored["id_token"] not in out + err
    assert stored["refresh_token"] not in out + err
    assert (Path(".orderclient") / f"{ALICE}.json").stat().st_mode & 0o077 == 0


def test_the_restaurant_cannot_act_on_an_order_with_a_forged_token(
    walk: LocalRunner, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(capsys, "add-user", "--email", ALICE)
    _run(capsys, "sign-in", "--email", ALICE)
    session = Path(".orderclient") / f"{ALICE}.json"
    stored = json.loads(session.read_text())
    header, payload, signature = stored["id_token"].split(".")
    stored["id_token"] = f"{header}.{payload}x.{signature}"
    session.write_text(json.dumps(stored))
    status, _, err = _run(
        capsys, "place", "--as", ALICE, "--restaurant", "pizza-1", "--item", "tea:1:2"
    )
    assert (status, err.strip()) == (1, "python -m orderclient: POST /orders: 401 Unauthorized")


def test_a_restaurant_account_the_pool_cannot_complete_is_not_left_half_made(
    walk: LocalRunner, capsys: pytest.CaptureFixture[str]
) -> None:
    cognito = boto3.client("cognito-idp", region_name=walk.names.region)
    pool = walk.deployment.outputs["UserPoolId"]
    cognito.delete_group(GroupName="restaurants", UserPoolId=pool)
    status, _, err = _run(capsys, "add-user", "--email", CHEF, "--restaurant", "pizza-1")
    assert (status, err.count("\n")) == (1, 1)
    assert cognito.list_users(UserPoolId=pool)["Users"] == []


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["place", "--as", ALICE, "--restaurant", "r", "--item", "tea"], "'tea' is not accepted"),
        (["sign-in", "--email", "not-an-email"], "'not-an-email' is not an email address"),
        (["add-user", "--email", CHEF, "--restaurant", "Pizza One"], "'Pizza One' is not accepted"),
        (["accept", "--as", CHEF], f"{CHEF} is not signed in here"),
        (["--outputs", "gone.json", "timeline", "--as", ALICE], "gone.json: cannot read the"),
    ],
)
def test_bad_input_is_one_line_naming_the_value_with_exit_2(
    walk: LocalRunner, capsys: pytest.CaptureFixture[str], argv: list[str], named: str
) -> None:
    try:
        status, _, err = _run(capsys, *argv)
    except SystemExit as exit_:
        status, err = int(exit_.code or 0), capsys.readouterr().err
    assert status == 2
    assert len(err.strip().splitlines()) == 1
    assert named in err


def test_version_names_the_client_and_the_kit_version(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as ended:
        main(["--version"])
    assert ended.value.code == 0
    assert capsys.readouterr().out.startswith("python -m orderclient ")
