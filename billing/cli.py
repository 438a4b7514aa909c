"""`python -m billing quarter INPUT.json --quarter 2026-Q3 [--invoice-date YYYY-MM-DD]`."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from billing.errors import BillingInputError
from billing.parse import load_input, parse_date
from billing.quarters import Quarter
from billing.render import result_to_json
from billing.rules import compute_quarter

EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; `quarter` is the only command so far."""
    parser = argparse.ArgumentParser(prog="python -m billing", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    quarter = commands.add_parser("quarter", help="print a quarter's invoice lines as JSON")
    quarter.add_argument("input", help="billing input JSON (see docs/billing.md)")
    quarter.add_argument("--quarter", required=True, help="the quarter to bill, e.g. 2026-Q3")
    quarter.add_argument("--invoice-date", help="YYYY-MM-DD; default: the file's invoice_date, "
                         "else today")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; input errors go to stderr as one line naming the field, exit code 2."""
    args = build_parser().parse_args(argv)
    try:
        quarter = Quarter.parse(args.quarter, "--quarter")
        data = load_input(args.input)
        day = _invoice_date(args.invoice_date, data.invoice_date)
        result = compute_quarter(data, quarter, day)
    except BillingInputError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_BAD_INPUT
    except ArithmeticError as exc:  # the parser bounds every number; this is the last guard
        sys.stderr.write(f"error: {args.input}: a number is out of range to compute with "
                         f"({type(exc).__name__})\n")
        return EXIT_BAD_INPUT
    sys.stdout.write(json.dumps(result_to_json(result), indent=2, ensure_ascii=False) + "\n")
    return 0


def _invoice_date(option: str | None, from_file: date | None) -> date:
    if option is not None:
        return parse_date(option, "--invoice-date")
    return from_file or date.today()  # noqa: TID251 -- the CLI is where the date enters the core
