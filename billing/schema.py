"""The billing input file as one declarative model (docs/billing.md), and its JSON Schema.

Structure (objects, arrays, required and unknown keys) is pydantic's; every leaf is read by the
billing rules' own readers (exact decimals, cents, quarters, dates) so a number is never rounded
through a float. `validate` turns the first error into a BillingInputError naming its JSON path.
`python -m billing.schema` writes docs/schemas/billing-input.schema.json.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationError, WithJsonSchema

from billing import readers
from billing.errors import BillingInputError
from billing.quarters import Quarter

T = TypeVar("T")
DOCS = Path(__file__).resolve().parents[1] / "docs" / "schemas"
FILE = "billing-input.schema.json"
CLOSED = ConfigDict(strict=True, extra="forbid", frozen=True, arbitrary_types_allowed=True)
MESSAGES = {"missing": "is missing", "extra_forbidden": "is not a known field",
            "model_type": "must be an object", "model_attributes_type": "must be an object",
            "dict_type": "must be an object", "list_type": "must be an array",
            "bool_type": "must be true or false"}

DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
OPTIONAL_DATE = {"oneOf": [DATE, {"type": "null"}]}
QUARTER = {"type": "string", "pattern": r"^\d{4}-Q[1-4]$"}
AMOUNT = {"description": "Euros with at most two decimals.",
          "oneOf": [{"type": "string", "pattern": r"^-?\d+(\.\d{1,2})?$"},
                    {"type": "number", "minimum": -1000000000, "maximum": 1000000000}]}
POSITIVE_AMOUNT = {"description": "Greater than zero, at most two decimals.",
                   "oneOf": [{"type": "string", "pattern": r"^\d+(\.\d{1,2})?$"},
                             {"type": "number", "exclusiveMinimum": 0, "maximum": 1000000000}]}
HOURS = {"oneOf": [{"type": "string", "pattern": r"^\d+(\.\d+)?$"},
                   {"type": "number", "minimum": 0, "maximum": 24}]}
IDENT = {"type": ["string", "integer"]}


def leaf(read: Callable[[Any, str], T]) -> PlainValidator:
    """A validator reading a value with `read(value, where)` (which raises BillingInputError)."""
    return PlainValidator(lambda value: read(value, ""))


Date = Annotated[date, leaf(readers.parse_date), WithJsonSchema(DATE)]
OptionalDate = Annotated[date | None, leaf(readers.optional_date), WithJsonSchema(OPTIONAL_DATE)]
QuarterText = Annotated[Quarter, leaf(Quarter.parse), WithJsonSchema(QUARTER)]
Amount = Annotated[int, leaf(readers.amount), WithJsonSchema(AMOUNT)]
Cents = Annotated[int, leaf(readers.cents), WithJsonSchema(
    {**AMOUNT, "description": "Zero or positive: the loan still available as DUO reports it."})]
PositiveCents = Annotated[int, leaf(readers.positive_cents), WithJsonSchema(POSITIVE_AMOUNT)]
Hours = Annotated[Decimal, leaf(readers.hours), WithJsonSchema(HOURS)]
Ident = Annotated[str, PlainValidator(str), WithJsonSchema(IDENT)]


class KeurmerkIn(BaseModel):
    """A period in which the Keurmerk was valid (valid_until inclusive, null when open-ended)."""

    model_config = CLOSED
    valid_from: Date
    valid_until: OptionalDate = None


class ProviderIn(BaseModel):
    """The provider that invoices."""

    model_config = CLOSED
    id: Ident
    keurmerk: list[KeurmerkIn] = Field([], description=(
        "Periods in which the Blik op Werk (aspirant-)Keurmerk was valid; valid_until inclusive, "
        "null when open-ended."))


class CapIn(BaseModel):
    """One dated cap setting per learner per quarter."""

    model_config = CLOSED
    amount: PositiveCents
    effective_from: QuarterText


class ContractIn(BaseModel):
    """The learner's contract: total price and hourly rate (both required, positive)."""

    model_config = ConfigDict(**CLOSED, json_schema_extra={"required": ["price", "hourly_rate"]})
    price: PositiveCents = Field(None, validate_default=True)
    hourly_rate: PositiveCents = Field(None, validate_default=True)
    terminated_on: OptionalDate = None


class LessonIn(BaseModel):
    """Hours attended on one day."""

    model_config = CLOSED
    date: Date
    hours: Hours
    took_place: bool = True


class QuarterAmountIn(BaseModel):
    """An amount in a quarter."""

    model_config = CLOSED
    quarter: QuarterText
    amount: Amount = Field(description=(
        "An invoice in its own quarter, or a paid credit note as a negative amount in the quarter "
        "in which it was paid; a quarter may net below zero, the running net in quarter order may not."))


class LearnerIn(BaseModel):
    """One learner: contract, loan, lessons and earlier invoices."""

    model_config = CLOSED
    id: Ident
    bsn: Annotated[Any, WithJsonSchema({"type": "string", "pattern": r"^\d{8,9}$",
                                        "description": "Must pass the elfproef."})]
    name: Annotated[str, PlainValidator(lambda v: str(v or "")), WithJsonSchema({"type": "string"})] = ""
    contract: ContractIn
    loan_remaining: Cents
    obligation_met_on: OptionalDate = None
    lessons: list[LessonIn] = []
    invoiced: list[QuarterAmountIn] = []
    invoiced_by_others: list[QuarterAmountIn] = []


class BillingFile(BaseModel):
    """One provider, its learners' contracts, attended lessons and earlier invoices. Amounts are
    euros with at most two decimals, as strings ("1250.00") or JSON numbers (read exactly, never as
    floats). See docs/billing.md."""

    model_config = CLOSED
    invoice_date: OptionalDate = Field(None, description=(
        "The day the invoices are made; must be after the quarter's last day. Overridden by "
        "--invoice-date; default today."))
    provider: ProviderIn
    cap_table: list[CapIn] | None = Field(None, json_schema_extra={"minItems": 1}, description=(
        'Dated cap settings per learner per quarter; default [{"amount": "1250.00", '
        '"effective_from": "1900-Q1"}].'))
    learners: list[LearnerIn]


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validate(data: Any) -> BillingFile:
    """`data` as a BillingFile, or BillingInputError naming the first bad field.

    As the hand-written reader did: a missing key first, then an unknown one, then a bad value.
    """
    if not isinstance(data, dict):
        raise BillingInputError("", "must be an object")
    try:
        return BillingFile.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    err = min(errors, key=lambda e: {"missing": 0, "extra_forbidden": 1}.get(e["type"], 2))
    where = _path(err["loc"])
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, BillingInputError):
        raise cause.within(where) from None
    raise BillingInputError(where, MESSAGES.get(err["type"], err["msg"])) from None


def schema() -> dict[str, Any]:
    """The committed JSON Schema of the billing input, generated from the model."""
    body = BillingFile.model_json_schema()
    head = {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://inburgering-planner.example/schemas/{FILE}",
            "title": "Billing input for `python -m billing quarter`", "description": body.pop("description")}
    body.pop("title", None)
    return {**head, **body}


def text() -> str:
    """The schema as the committed file holds it."""
    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"


def main(folder: Path = DOCS) -> int:
    """Write the schema into `folder` (run `python -m billing.schema` after changing the model)."""
    (folder / FILE).write_text(text(), encoding="utf-8")
    sys.stdout.write(f"wrote {folder / FILE}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
