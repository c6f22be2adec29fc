"""`python -m orderclient`: from a deployed stack (or the local runner) to a placed, accepted and
completed order, signed in as the customer and as the restaurant."""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from orderclient import api, outputs, store, users
from orderclient.signin import SignInError, Tokens, refreshed, sign_in
from orderflow_definitions.cli import Parser, add_root_flags
from orderflow_definitions.exits import run_guarded

PASSWORD_VARIABLE = "ORDERCLIENT_PASSWORD"
NEW_PASSWORD_VARIABLE = "ORDERCLIENT_NEW_PASSWORD"
_ITEM = re.compile(r"^(?P<name>[^:]+):(?P<quantity>[1-9][0-9]*):(?P<price>[0-9]+(\.[0-9]{1,2})?)$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# The registry's rule for a restaurant id (`python -m orderflow_localrun seed-restaurants`
# checks it too).
_RESTAURANT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
# Seconds before expiry at which an ID token is refreshed rather than sent.
_EXPIRY_MARGIN_SECONDS = 60

EPILOG = f"""\
the walk from a deployed stack to a first order (README):
  python -m orderclient save-outputs --stack-name my-orders        # SAM; Pulumi: make outputs
  python -m orderclient add-user --email chef@pizzeria.example --restaurant pizzeria
  python -m orderclient add-user --email alice@example.com
  python -m orderclient sign-in --email chef@pizzeria.example      # first password change
  python -m orderclient place --as alice@example.com --restaurant pizzeria --item margherita:2:9.50
  python -m orderclient accept --as chef@pizzeria.example          # the last order placed here
  python -m orderclient complete --as chef@pizzeria.example
  python -m orderclient timeline --as alice@example.com

Passwords are asked for, or read from ${PASSWORD_VARIABLE} (and ${NEW_PASSWORD_VARIABLE} for a
first sign-in's new password). Tokens are kept in --session-dir, readable by you only, and
never printed.
"""


class UsageError(Exception):
    """A bad command line value; reported on one line with exit status 2."""


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not an email address")
    return value


def _restaurant_id(value: str) -> str:
    if not _RESTAURANT_ID.match(value):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not accepted; use 1 to 63 lowercase letters, digits and hyphens, "
            "starting with a letter or digit"
        )
    return value


def _item(value: str) -> dict[str, Any]:
    found = _ITEM.match(value)
    if not found:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not accepted; use NAME:QUANTITY:UNIT_PRICE, e.g. margherita:2:9.50"
        )
    return {
        "name": found["name"],
        "quantity": int(found["quantity"]),
        "unit_price": float(found["price"]),
    }


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="python -m orderclient",
        description="Sign in to the orders stack and place, accept and complete orders.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_root_flags(parser, "python -m orderclient")
    parser.add_argument(
        "--outputs",
        type=Path,
        default=Path("outputs.json"),
        help="the stack's outputs as JSON (default: outputs.json, written by `make outputs`)",
    )
    parser.add_argument(
        "--session-dir",
        type=Path,
        default=Path(".orderclient"),
        help="where signed-in users' tokens are kept (default: .orderclient)",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    save = commands.add_parser("save-outputs", help="write a CloudFormation stack's outputs")
    save.add_argument("--stack-name", required=True)
    save.add_argument("--region", default=None, help="default: your AWS configuration")
    add = commands.add_parser(
        "add-user", help="create a user (an administrator's step; needs AWS credentials)"
    )
    add.add_argument("--email", type=_email, required=True)
    add.add_argument(
        "--restaurant",
        type=_restaurant_id,
        help="make it a restaurant account for this restaurant id",
    )
    sign = commands.add_parser("sign-in", help="sign in (SRP) and keep the tokens")
    sign.add_argument("--email", type=_email, required=True)
    place = commands.add_parser("place", help="place an order as a signed-in customer")
    place.add_argument("--as", dest="user", type=_email, required=True)
    place.add_argument("--restaurant", type=_restaurant_id, required=True)
    place.add_argument("--item", type=_item, action="append", required=True)
    place.add_argument("--note", default="", help="delivery note")
    for action in ("accept", "complete", "timeline"):
        command = commands.add_parser(action, help=f"{action} an order (default: the last placed)")
        command.add_argument("--as", dest="user", type=_email, required=True)
        command.add_argument("--order", help="the order id (default: the last placed from here)")
    return parser


def _secret(variable: str, prompt: str) -> str:
    value = os.environ.get(variable) or getpass.getpass(prompt)
    if not value:
        raise UsageError(f"no password given (set {variable} or type it when asked)")
    return value


def _signed_in(args: argparse.Namespace, stack: outputs.StackOutputs) -> Tokens:
    tokens = store.load(args.session_dir, args.user)
    if tokens is None:
        raise UsageError(
            f"{args.user} is not signed in here; run `python -m orderclient sign-in --email "
            f"{args.user}` first"
        )
    if tokens.expires_at - _EXPIRY_MARGIN_SECONDS < datetime.now(UTC).timestamp():
        tokens = refreshed(pool_id=stack.pool_id, client_id=stack.client_id, tokens=tokens)
        store.save(args.session_dir, args.user, tokens)
    return tokens


def _order_id(args: argparse.Namespace) -> str:
    order_id = args.order or store.last_order(args.session_dir)
    if not order_id:
        raise UsageError("no --order given and no order was placed from here yet")
    return str(order_id)


def _timeline(order: dict[str, Any]) -> str:
    lines = [f"order {order['order_id']}: {order['status']}"]
    lines += [f"  {entry['at']}  {entry['event']}" for entry in order.get("timeline", [])]
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> str:
    if args.command == "save-outputs":
        values = outputs.stack_values(args.stack_name, args.region)
        outputs.from_values(values, f"stack {args.stack_name}")
        outputs.save(args.outputs, values)
        return f"wrote {args.outputs} ({len(values)} outputs of {args.stack_name})"
    stack = outputs.from_file(args.outputs)
    if args.command == "add-user":
        password = _secret(PASSWORD_VARIABLE, f"temporary password for {args.email}: ")
        users.add_user(stack, args.email, password, args.restaurant)
        kind = f"staff of restaurant {args.restaurant}" if args.restaurant else "customer"
        return f"created {args.email} ({kind}); the first sign-in changes its password"
    if args.command == "sign-in":
        tokens = sign_in(
            pool_id=stack.pool_id,
            client_id=stack.client_id,
            email=args.email,
            password=_secret(PASSWORD_VARIABLE, f"password for {args.email}: "),
            new_password=lambda: _secret(NEW_PASSWORD_VARIABLE, "new password: "),
        )
        store.save(args.session_dir, args.email, tokens)
        return f"signed in as {args.email} (tokens kept in {args.session_dir}, never printed)"
    token = _signed_in(args, stack).id_token
    if args.command == "place":
        body = {"restaurant_id": args.restaurant, "items": args.item, "delivery_note": args.note}
        placed = api.call(stack.api_url, token, "POST", "/orders", body)
        store.remember_order(args.session_dir, str(placed["order_id"]))
        return f"order {placed['order_id']}: {placed['status']}"
    order_id = _order_id(args)
    if args.command == "timeline":
        return _timeline(api.call(stack.api_url, token, "GET", f"/orders/{order_id}"))
    moved = api.call(stack.api_url, token, "POST", f"/orders/{order_id}/{args.command}")
    return f"order {order_id}: {moved['status']}"


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    return run_guarded("python -m orderclient", lambda: _main(arguments), arguments)


def _main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        print(_run(args))
    except (UsageError, outputs.OutputsError, store.StoreError) as error:
        print(f"python -m orderclient: error: {error}", file=sys.stderr)
        return 2
    except (SignInError, api.ApiError, users.UserError) as error:
        print(f"python -m orderclient: {error}", file=sys.stderr)
        return 1
    return 0
