"""``costcalc prices show`` and ``costcalc prices refresh``: what the calculator prices with.

``show`` lists every price of a region with its source (bundled catalogue or the AWS Price List
API), publication date and the date it was seen, warning about prices older than 90 days.
``refresh`` fetches current prices (see :mod:`costcalc.pricing.refresh`) into the user's cache, or
with ``--write-bundled`` regenerates the bundled catalogue (for maintainers). This module imports
nothing heavy: boto3 and botocore are imported only when a refresh runs.
"""

from __future__ import annotations

import argparse
import sys

from costcalc.cli.arguments import Commands, add_format, add_region, command
from costcalc.errors import CostcalcError
from costcalc.pricing import price_list as pricelist
from costcalc.pricing import refresh as price_refresh
from costcalc.pricing.age import STALE_AFTER_DAYS, today
from costcalc.pricing.cache import CACHE_ENV, prices_dir
from costcalc.pricing.catalogue import load_catalogue
from costcalc.pricing.render_prices import FORMATS, render_prices, stale_warnings
from orderflow_definitions.cli import Parser, progress

EXIT_INTERRUPTED = 130


def register(commands: Commands) -> None:
    prices = commands.add_parser(
        "prices",
        help="show the prices costcalc uses, or refresh them from the AWS Price List API",
        description="Show the prices costcalc uses and where they come from, or refresh them "
        "from the AWS Price List API into your cache directory.",
        epilog="Examples:\n  costcalc prices show --region eu-west-1 --service lambda\n"
        "  costcalc prices refresh --region us-east-1 --region eu-west-1\n\n"
        f"Prices seen more than {STALE_AFTER_DAYS} days ago are flagged by every command.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command(prices, _name_an_action)
    actions = prices.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    show = actions.add_parser(
        "show",
        help="every price of a region with its source and dates",
        description="Every price costcalc uses in a region: unit, tier bounds, unit price, "
        "source (bundled catalogue or the AWS Price List API), publication date and the date it "
        "was seen. Refreshed prices (your cache) take precedence over bundled ones.",
        epilog="Examples:\n  costcalc prices show\n"
        "  costcalc prices show --region eu-west-1 --service lambda --service sqs\n"
        "  costcalc prices show --format json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_region(show)
    show.add_argument(
        "--service", action="append", help="catalogue service, repeatable (default: all)"
    )
    add_format(show, FORMATS, "table")
    command(show, _show)
    refresh = actions.add_parser(
        "refresh",
        help="fetch current prices from the AWS Price List API into your cache",
        description="Fetch current on-demand prices with the AWS Price List Query API "
        "(needs AWS credentials allowed pricing:GetProducts) and store them in your cache "
        f"directory (${CACHE_ENV}, else $XDG_CACHE_HOME/costcalc, else ~/.cache/costcalc), "
        "which every later run prefers. All or nothing: a price that is missing, ambiguous or "
        "in another unit than the billing rule expects refuses the refresh and changes nothing.",
        epilog="Examples:\n  costcalc prices refresh\n"
        "  costcalc prices refresh --region eu-central-1 --service lambda\n"
        "  costcalc prices refresh --write-bundled   # maintainers: regenerate costcalc/data",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    refresh.add_argument(
        "--region", action="append", help="region to fetch, repeatable (default: the bundled ones)"
    )
    refresh.add_argument(
        "--service", action="append", help="catalogue service, repeatable (default: all)"
    )
    refresh.add_argument(
        "--endpoint-region",
        choices=pricelist.ENDPOINT_REGIONS,
        default="us-east-1",
        help="where to call the Price List API (it answers only there; default us-east-1)",
    )
    refresh.add_argument(
        "--write-bundled",
        action="store_true",
        help="maintainers: rewrite the bundled catalogue in costcalc/data instead of the cache",
    )
    command(refresh, _refresh)


def _name_an_action(args: argparse.Namespace) -> int:
    raise CostcalcError("name an action: show or refresh")


def _show(args: argparse.Namespace) -> int:
    known = price_refresh.bundled_services()
    unknown = sorted(set(args.service or []) - set(known))
    if unknown:
        raise CostcalcError(f"unknown service {unknown[0]!r}; accepted: {', '.join(known)}")
    if args.region not in (regions := load_catalogue().regions):
        raise CostcalcError(
            f"unknown region {args.region!r}; the catalogue has prices for: "
            f"{', '.join(sorted(regions))}"
        )
    catalogue = load_catalogue(args.service or known)
    entries = sorted(
        (e for e in catalogue.entries.values() if e.region == args.region),
        key=lambda e: (e.service, e.item),
    )
    if not entries:
        raise CostcalcError(
            f"no sourced price for {', '.join(args.service)} in {args.region}; "
            f"`costcalc prices refresh --region {args.region}` can fetch current ones"
        )
    sys.stdout.write(render_prices(args.region, entries, args.format))
    if args.format == "csv":  # the other formats carry their warnings in the output
        for warning in stale_warnings(entries):
            print(f"costcalc prices show: warning: {warning}", file=sys.stderr)
    return 0


def _refresh(args: argparse.Namespace) -> int:
    """Fetch, check and render everything, then write; any failure writes nothing."""
    from botocore.exceptions import (  # noqa: PLC0415 - only a refresh imports botocore
        BotoCoreError,
        ClientError,
        NoCredentialsError,
        PartialCredentialsError,
    )

    services = args.service or price_refresh.bundled_services()
    regions = args.region or price_refresh.bundled_regions()
    for region in regions:
        if region not in pricelist.REGION_PREFIXES:
            raise CostcalcError(
                f"--region {region!r}: accepted regions are "
                f"{', '.join(sorted(pricelist.REGION_PREFIXES))}"
            )
    target = price_refresh.BUNDLED_PRICES if args.write_bundled else prices_dir()
    unchanged = "nothing was changed"
    try:
        client = pricelist.make_client(args.endpoint_region)
        texts = price_refresh.refresh(
            client,
            services,
            regions,
            target,
            today=today(),
            progress=progress,
        )
    except (NoCredentialsError, PartialCredentialsError):
        raise CostcalcError(
            "no AWS credentials found; the Price List API needs an identity allowed "
            f"pricing:GetProducts (any account will do); {unchanged}"
        ) from None
    except ClientError as error:
        details = error.response.get("Error", {})
        raise CostcalcError(
            f"the Price List API refused: {details.get('Code')}: {details.get('Message')}; "
            f"{unchanged}"
        ) from None
    except BotoCoreError as error:
        raise CostcalcError(f"cannot reach the Price List API ({error}); {unchanged}") from None
    except KeyboardInterrupt:
        print(f"costcalc prices refresh: interrupted; {unchanged}", file=sys.stderr)
        return EXIT_INTERRUPTED
    for path in price_refresh.write(target, texts):
        progress(f"wrote {path}")
    return 0
