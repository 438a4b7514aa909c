"""Read the billing input JSON (docs/billing.md) into domain types, naming the path of errors."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from billing.errors import BillingInputError
from billing.model import (
    BillingInput,
    CapSetting,
    CapTable,
    Contract,
    KeurmerkPeriod,
    LearnerBilling,
    Lesson,
    ProviderBilling,
    QuarterAmount,
)
from billing.money import parse_cents, to_decimal
from billing.quarters import Quarter

# Bounds that no real input reaches; beyond them a number is a mistake (and Decimal arithmetic on
# 1e999999999 would overflow), so it is refused with its path instead of failing with a traceback.
MAX_EUROS = Decimal(1_000_000_000)
MAX_HOURS = Decimal(24)  # a lesson is the hours attended on one day
MAX_DECIMALS = 12
DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")  # the schema's strings: no exponent, no "+", no NaN


class _Number(str):
    """A JSON number token, kept as its text so that it is never rounded through a float."""


class _Constant(str):
    """NaN, Infinity or -Infinity: not JSON, but Python's decoder reads them."""


_LEARNER_KEYS = {"id", "bsn", "name", "contract", "loan_remaining", "obligation_met_on", "lessons",
                 "invoiced", "invoiced_by_others"}


def load_input(path: str | Path) -> BillingInput:
    """Read and parse an input file; numbers are read as Decimal, never as floats."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise BillingInputError("", f"cannot read {path}: {exc.strerror}") from exc
    try:
        data = json.loads(text, parse_float=_Number, parse_int=_Number, parse_constant=_Constant)
    except json.JSONDecodeError as exc:
        raise BillingInputError("", f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, "
                                f"column {exc.colno}") from exc
    except RecursionError:
        raise BillingInputError("", f"{path} is nested too deeply to be billing input") from None
    return parse_input(data)


def parse_input(data: Any) -> BillingInput:
    """Turn decoded JSON into a BillingInput, or raise BillingInputError with the JSON path."""
    root = fields(data, "", required={"provider", "learners"},
                  optional={"cap_table", "invoice_date"})
    caps = _cap_table(root["cap_table"]) if "cap_table" in root else CapTable()
    learners = tuple(_learner(item, f"learners[{i}]")
                     for i, item in enumerate(items(root["learners"], "learners")))
    _check_unique_ids(learners)
    return BillingInput(
        provider=_provider(root["provider"]),
        learners=learners,
        caps=caps,
        invoice_date=optional_date(root.get("invoice_date"), "invoice_date"),
    )


def _check_unique_ids(learners: tuple[LearnerBilling, ...]) -> None:
    seen: dict[str, int] = {}
    for i, learner in enumerate(learners):
        if learner.learner_id in seen:
            raise BillingInputError(f"learners[{i}].id", f"{learner.learner_id!r} is also the id "
                                    f"of learners[{seen[learner.learner_id]}]")
        seen[learner.learner_id] = i


def fields(value: Any, where: str, *, required: set[str], optional: set[str]) -> dict[str, Any]:
    """An object with all `required` keys and no keys outside `required | optional`."""
    if not isinstance(value, dict):
        raise BillingInputError(where, "must be an object")
    prefix = f"{where}." if where else ""
    for key in sorted(required - value.keys()):
        raise BillingInputError(f"{prefix}{key}", "is missing")
    for key in sorted(value.keys() - required - optional):
        raise BillingInputError(f"{prefix}{key}", "is not a known field")
    return value


def items(value: Any, where: str) -> list[Any]:
    """A JSON array."""
    if not isinstance(value, list):
        raise BillingInputError(where, "must be an array")
    return value


def parse_date(value: Any, where: str) -> date:
    """An ISO date `YYYY-MM-DD`."""
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise BillingInputError(where, f"{value!r} is not a date such as \"2026-07-01\"") from None


def optional_date(value: Any, where: str) -> date | None:
    """A date or null."""
    return None if value is None else parse_date(value, where)


def _cap_table(value: Any) -> CapTable:
    settings = []
    for i, item in enumerate(items(value, "cap_table")):
        where = f"cap_table[{i}]"
        obj = fields(item, where, required={"amount", "effective_from"}, optional=set())
        settings.append(CapSetting(_positive_cents(obj["amount"], f"{where}.amount"),
                                   Quarter.parse(obj["effective_from"], f"{where}.effective_from")))
    return CapTable(tuple(settings))


def _provider(value: Any) -> ProviderBilling:
    obj = fields(value, "provider", required={"id"}, optional={"keurmerk"})
    periods = []
    for i, item in enumerate(items(obj.get("keurmerk", []), "provider.keurmerk")):
        where = f"provider.keurmerk[{i}]"
        period = fields(item, where, required={"valid_from"}, optional={"valid_until"})
        start = parse_date(period["valid_from"], f"{where}.valid_from")
        end = optional_date(period.get("valid_until"), f"{where}.valid_until")
        periods.append(KeurmerkPeriod(start, end))
    return ProviderBilling(str(obj["id"]), tuple(periods))


def _learner(value: Any, where: str) -> LearnerBilling:
    obj = fields(value, where, required={"id", "bsn", "contract", "loan_remaining"},
                 optional=_LEARNER_KEYS)
    lessons = items(obj.get("lessons", []), f"{where}.lessons")
    # Parsed before the try: these errors already carry their full path.
    contract = _contract(obj["contract"], f"{where}.contract")
    loan = _cents(obj["loan_remaining"], f"{where}.loan_remaining")
    met_on = optional_date(obj.get("obligation_met_on"), f"{where}.obligation_met_on")
    parsed_lessons = tuple(_lesson(x, f"{where}.lessons[{i}]") for i, x in enumerate(lessons))
    invoiced = _amounts(obj.get("invoiced", []), f"{where}.invoiced")
    by_others = _amounts(obj.get("invoiced_by_others", []), f"{where}.invoiced_by_others")
    try:
        return LearnerBilling(learner_id=str(obj["id"]), bsn=obj["bsn"], contract=contract,
                              loan_remaining_cents=loan, lessons=parsed_lessons, invoiced=invoiced,
                              invoiced_by_others=by_others, obligation_met_on=met_on,
                              name=str(obj.get("name") or ""))
    except BillingInputError as exc:  # validation names fields relative to the learner
        raise exc.within(where) from None


def _contract(value: Any, where: str) -> Contract:
    obj = fields(value, where, required=set(), optional={"price", "hourly_rate", "terminated_on"})
    return Contract(
        price_cents=_positive_cents(obj.get("price"), f"{where}.price"),
        hourly_rate_cents=_positive_cents(obj.get("hourly_rate"), f"{where}.hourly_rate"),
        terminated_on=optional_date(obj.get("terminated_on"), f"{where}.terminated_on"),
    )


def _lesson(value: Any, where: str) -> Lesson:
    obj = fields(value, where, required={"date", "hours"}, optional={"took_place"})
    took_place = obj.get("took_place", True)
    if not isinstance(took_place, bool):
        raise BillingInputError(f"{where}.took_place", "must be true or false")
    hours = decimal_number(obj["hours"], f"{where}.hours", MAX_HOURS)
    if hours < 0:
        raise BillingInputError(f"{where}.hours", "must not be negative")
    return Lesson(parse_date(obj["date"], f"{where}.date"), hours, took_place)


def _amounts(value: Any, where: str) -> tuple[QuarterAmount, ...]:
    result = []
    for i, item in enumerate(items(value, where)):
        obj = fields(item, f"{where}[{i}]", required={"quarter", "amount"}, optional=set())
        result.append(QuarterAmount(Quarter.parse(obj["quarter"], f"{where}[{i}].quarter"),
                                    _amount(obj["amount"], f"{where}[{i}].amount")))
    return tuple(result)


def decimal_number(value: Any, where: str, limit: Decimal) -> Decimal:
    """A number as the schema allows it: a JSON number or a plain decimal string, finite, at most `limit`."""
    if isinstance(value, _Constant):
        raise BillingInputError(where, f"{value} is not a number; write a decimal such as \"12.50\"")
    written_as_text = isinstance(value, str) and not isinstance(value, _Number)
    if written_as_text and not DECIMAL_TEXT.fullmatch(value):
        raise BillingInputError(where, f"{_shown(value)} is not a decimal such as \"12.50\" "
                                "(no exponent, no sign but a leading -)")
    number = to_decimal(value, where)
    if number.copy_abs() > limit:  # abs() would round to the context and overflow on 1e999999999
        bound = f"at least -{limit}" if number < 0 else f"at most {limit}"
        raise BillingInputError(where, f"{_shown(value)} is out of range; {bound}")
    if number and int(number.as_tuple().exponent) < -MAX_DECIMALS:
        raise BillingInputError(where, f"{_shown(value)} has more than {MAX_DECIMALS} decimals")
    return number


def _shown(value: Any) -> str:
    """The value as an error message quotes it, cut short when it is absurdly long."""
    text = repr(str(value)) if isinstance(value, str) and not isinstance(value, _Number) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _amount(value: Any, where: str) -> int:
    decimal_number(value, where, MAX_EUROS)
    return parse_cents(value, where)


def _cents(value: Any, where: str) -> int:
    cents = _amount(value, where)
    if cents < 0:
        raise BillingInputError(where, "must be a zero or positive decimal")
    return cents


def _positive_cents(value: Any, where: str) -> int:
    if value is None:
        raise BillingInputError(where, "is missing; must be a positive decimal")
    cents = _amount(value, where)
    if cents <= 0:
        raise BillingInputError(where, "must be a positive decimal")
    return cents
