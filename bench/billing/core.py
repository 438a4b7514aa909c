"""Benchmark of the billing core: 20,000 learners with 8 quarters of history (prints its figures).

Run from the repository root: `.venv/bin/python bench/billing/core.py [--learners N] [--replay]`.
Times building the input, one quarter's computation over everyone (the portal's quarterly draft
run) and, with --replay, every quarter in turn; peak memory is the process's max RSS.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from billing.model import (  # noqa: E402
    BillingInput,
    CapTable,
    Contract,
    KeurmerkPeriod,
    LearnerBilling,
    Lesson,
    ProviderBilling,
    QuarterAmount,
)
from billing.quarters import Quarter  # noqa: E402
from billing.rules import compute_learner_quarter, compute_quarter  # noqa: E402

FIRST = Quarter(2025, 1)
HOURS = (Decimal(3), Decimal(3), Decimal(3), Decimal("1.5"), Decimal(0))
BSNS = ("111222333", "123456782", "123456794", "123456800", "123456812")


def quarters(count: int) -> list[Quarter]:
    """`count` consecutive quarters from 2025-Q1."""
    result = [FIRST]
    while len(result) < count:
        result.append(result[-1].next())
    return result


def make_learner(rnd: random.Random, index: int, history: list[Quarter]) -> LearnerBilling:
    """Two lessons a week through the history, earlier quarters invoiced at the cap."""
    start = history[0].first_day + timedelta(days=rnd.randrange(0, 7))
    end = history[-1].last_day
    days = [start + timedelta(days=7 * week + extra)
            for week in range((end - start).days // 7 + 1) for extra in (0, 2)]
    lessons = tuple(Lesson(day, rnd.choice(HOURS), rnd.random() > 0.03)
                    for day in days if day <= end)
    invoiced = tuple(QuarterAmount(q, rnd.randrange(60_000, 125_001)) for q in history[:-1])
    others = (QuarterAmount(history[-1], 20_000),) if index % 10 == 0 else ()
    met = history[-1].first_day + timedelta(days=40) if index % 7 == 0 else None
    return LearnerBilling(
        f"L-{index:05d}", BSNS[index % len(BSNS)],
        Contract(rnd.randrange(800_000, 1_200_000), rnd.choice((1_500, 1_650, 1_800))),
        1_000_000 - sum(item.amount_cents for item in invoiced), lessons, invoiced, others, met,
    )


def peak_mb() -> float:
    """Max resident set size so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    """Build the input, run the quarter (and optionally all quarters), print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=20_000)
    parser.add_argument("--quarters", type=int, default=8)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--replay", action="store_true", help="also bill every quarter in turn")
    args = parser.parse_args(argv)
    history = quarters(args.quarters)
    provider = ProviderBilling("P-1", (KeurmerkPeriod(date(2020, 1, 1)),))
    rnd = random.Random(args.seed)
    began = time.perf_counter()
    learners = tuple(make_learner(rnd, i, history) for i in range(args.learners))
    built = time.perf_counter() - began
    lessons = sum(len(learner.lessons) for learner in learners)
    print(f"input: {args.learners} learners, {args.quarters} quarters, {lessons} lessons, "
          f"built and validated in {built:.2f} s, peak RSS {peak_mb():.0f} MB")
    data = BillingInput(provider, learners, CapTable())
    began = time.perf_counter()
    result = compute_quarter(data, history[-1], history[-1].next().first_day)
    spent = time.perf_counter() - began
    print(f"compute_quarter {history[-1]}: {spent:.2f} s ({spent / len(learners) * 1e6:.0f} us per "
          f"learner), invoice total EUR {result.invoice_total_cents / 100:,.2f}, "
          f"peak RSS {peak_mb():.0f} MB")
    traced_peak(data, history[-1])
    if args.replay:
        replay(learners, history, provider)
    return 0


def traced_peak(data: BillingInput, quarter: Quarter) -> None:
    """Run the quarter again under tracemalloc: the memory the computation itself allocates."""
    tracemalloc.start()
    result = compute_quarter(data, quarter, quarter.next().first_day)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"compute_quarter allocations (tracemalloc peak): {peak / 2**20:.1f} MB for "
          f"{len(result.learners)} results")


def replay(learners: tuple[LearnerBilling, ...], history: list[Quarter],
           provider: ProviderBilling) -> None:
    """Bill every quarter in turn from an empty invoice history, as a fresh deployment would."""
    began, caps = time.perf_counter(), CapTable()
    for learner in learners:
        current = learner.__class__(learner.learner_id, learner.bsn, learner.contract, 1_000_000,
                                    learner.lessons, (), learner.invoiced_by_others,
                                    learner.obligation_met_on)
        for quarter in history:
            line = compute_learner_quarter(current, quarter, provider=provider, caps=caps,
                                           invoice_date=quarter.next().first_day)
            current = current.with_invoice(quarter, line.invoice_cents)
    spent = time.perf_counter() - began
    print(f"replay of {len(history)} quarters x {len(learners)} learners: {spent:.2f} s, "
          f"peak RSS {peak_mb():.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
