"""Read the billing input JSON (docs/billing.md) into domain types, naming the path of errors.

The file's shape is the model in billing/schema.py; its leaf values are read by billing/readers.py.
"""

from __future__ import annotations

import json
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
from billing.readers import Constant, Number, parse_date
from billing.schema import LearnerIn, QuarterAmountIn, validate

__all__ = ["load_input", "parse_date", "parse_input"]


def load_input(path: str | Path) -> BillingInput:
    """Read and parse an input file; numbers are read as Decimal, never as floats."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise BillingInputError("", f"cannot read {path}: {exc.strerror}") from exc
    try:
        data = json.loads(text, parse_float=Number, parse_int=Number, parse_constant=Constant)
    except json.JSONDecodeError as exc:
        raise BillingInputError("", f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, "
                                f"column {exc.colno}") from exc
    except RecursionError:
        raise BillingInputError("", f"{path} is nested too deeply to be billing input") from None
    return parse_input(data)


def parse_input(data: Any) -> BillingInput:
    """Turn decoded JSON into a BillingInput, or raise BillingInputError with the JSON path."""
    raw = validate(data)
    caps = (CapTable(tuple(CapSetting(c.amount, c.effective_from) for c in raw.cap_table))
            if raw.cap_table is not None else CapTable())
    learners = tuple(_learner(x, f"learners[{i}]") for i, x in enumerate(raw.learners))
    _check_unique_ids(learners)
    provider = ProviderBilling(raw.provider.id, tuple(KeurmerkPeriod(k.valid_from, k.valid_until)
                                                      for k in raw.provider.keurmerk))
    return BillingInput(provider=provider, learners=learners, caps=caps, invoice_date=raw.invoice_date)


def _check_unique_ids(learners: tuple[LearnerBilling, ...]) -> None:
    seen: dict[str, int] = {}
    for i, learner in enumerate(learners):
        if learner.learner_id in seen:
            raise BillingInputError(f"learners[{i}].id", f"{learner.learner_id!r} is also the id "
                                    f"of learners[{seen[learner.learner_id]}]")
        seen[learner.learner_id] = i


def _amounts(rows: list[QuarterAmountIn]) -> tuple[QuarterAmount, ...]:
    return tuple(QuarterAmount(r.quarter, r.amount) for r in rows)


def _learner(x: LearnerIn, where: str) -> LearnerBilling:
    contract = Contract(price_cents=x.contract.price, hourly_rate_cents=x.contract.hourly_rate,
                        terminated_on=x.contract.terminated_on)
    try:
        return LearnerBilling(learner_id=x.id, bsn=x.bsn, contract=contract,
                              loan_remaining_cents=x.loan_remaining,
                              lessons=tuple(Lesson(s.date, s.hours, s.took_place) for s in x.lessons),
                              invoiced=_amounts(x.invoiced),
                              invoiced_by_others=_amounts(x.invoiced_by_others),
                              obligation_met_on=x.obligation_met_on, name=x.name)
    except BillingInputError as exc:  # validation names fields relative to the learner
        raise exc.within(where) from None
