"""The quarter result as plain JSON-ready data (amounts as decimal euro strings)."""

from __future__ import annotations

from typing import Any

from billing.money import format_cents
from billing.result import Flag, LearnerQuarter, LineKind, QuarterLine, QuarterResult


def result_to_json(result: QuarterResult) -> dict[str, Any]:
    """The CLI's output document: lines, a summary per learner, and totals per line kind."""
    return {
        "quarter": str(result.quarter),
        "invoice_date": result.invoice_date.isoformat(),
        "lines": [line_to_json(line) for line in result.lines],
        "learners": [learner_to_json(learner) for learner in result.learners],
        "totals": {
            "invoice": format_cents(result.invoice_total_cents),
            "open_after": format_cents(sum(lq.open_after_cents for lq in result.learners)),
            **{kind.value: format_cents(result.total(kind)) for kind in LineKind},
        },
    }


def line_to_json(line: QuarterLine) -> dict[str, Any]:
    """One explained line."""
    return {
        "learner_id": line.learner_id,
        "quarter": str(line.quarter),
        "kind": line.kind.value,
        "amount": format_cents(line.amount_cents),
        "invoiced": line.invoiced,
        "explanation": line.explanation,
    }


def learner_to_json(learner: LearnerQuarter) -> dict[str, Any]:
    """A learner's summary; the BSN is left out on purpose (it never goes to logs or stdout)."""
    return {
        "learner_id": learner.learner_id,
        "cap": format_cents(learner.cap_cents),
        "delivered_in_quarter": format_cents(learner.delivered_cents),
        "invoice": format_cents(learner.invoice_cents),
        "open_after": format_cents(learner.open_after_cents),
        "flags": [flag_to_json(flag) for flag in learner.flags],
    }


def flag_to_json(flag: Flag) -> dict[str, Any]:
    """A deadline or anomaly flag."""
    return {
        "kind": flag.kind.value,
        "message": flag.message,
        "due": flag.due.isoformat() if flag.due else None,
        "overdue": flag.overdue,
    }
