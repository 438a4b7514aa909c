"""Benchmark of the portal's quarterly draft run through the database (prints its figures).

Run from the repository root, on a fresh database:

    .venv/bin/python bench/billing/db_run.py seed --url sqlite:////tmp/bench.sqlite3
    .venv/bin/python bench/billing/db_run.py run --url sqlite:////tmp/bench.sqlite3

`seed` migrates the database and writes one provider with 20,000 learners (contract, classes of 16,
two 3-hour lessons a week through 2025-Q1..2026-Q4, about 3% cancelled, attendance about 90%) and
7 quarters of issued invoices. `run` (a fresh process, so its peak memory is the run's own) makes
the 2026-Q4 drafts with `make_drafts`, then once more (the refresh of existing drafts), and prints
time and peak RSS of each. Seeded random numbers, so every run computes the same total.
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from billing.quarters import Quarter  # noqa: E402
from provider_portal import migrate  # noqa: E402
from provider_portal.config import normalise_database_url  # noqa: E402

FIRST, LAST = Quarter(2025, 1), Quarter(2026, 4)
STAMP = "2026-01-01 00:00:00+00:00"


def _bsns(count: int) -> list[str]:
    """`count` distinct BSNs passing the elfproef."""
    out, n = [], 100_000_000
    while len(out) < count:
        n += 1
        digits = [int(c) for c in f"{n:09d}"]
        if (sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]) % 11 == 0:
            out.append(f"{n:09d}")
    return out


def _lesson_days() -> list[date]:
    """Mondays and Wednesdays from the first to the last quarter."""
    day, days = FIRST.first_day, []
    while day.weekday() != 0:
        day += timedelta(days=1)
    while day <= LAST.last_day:
        days.extend(d for d in (day, day + timedelta(days=2)) if d <= LAST.last_day)
        day += timedelta(days=7)
    return days


def _bulk(conn: sa.Connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Fast loading: executemany on SQLite, COPY on PostgreSQL."""
    raw = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
        with raw.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            copy.write(buffer.getvalue())
    else:
        marks = ", ".join("?" for _ in columns)
        raw.cursor().executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def seed(url: str, learners: int) -> None:
    """Migrate and fill the database (not timed as part of the run)."""
    started = time.perf_counter()
    migrate.upgrade(url)
    rnd = random.Random(5)
    engine = sa.create_engine(url)
    days = _lesson_days()
    classes = (learners + 15) // 16
    with engine.begin() as conn:
        _bulk(
            conn,
            "provider",
            (
                "id",
                "name",
                "bow_number",
                "keurmerk_status",
                "keurmerk_valid_from",
                "kvk_number",
                "iban",
                "street",
                "postcode",
                "city",
                "created_at",
            ),
            [
                (
                    1,
                    "Bench school",
                    "BOW-BENCH",
                    "keurmerk",
                    "2020-01-01",
                    "30123456",
                    "NL91ABNA0417164300",
                    "Oudegracht 1",
                    "3511AB",
                    "Utrecht",
                    STAMP,
                )
            ],
        )
        _bulk(
            conn,
            "learner",
            (
                "id",
                "provider_id",
                "bsn",
                "first_name",
                "last_name",
                "date_of_birth",
                "migrant_type",
                "route",
                "municipality",
                "postcode",
                "duo_term_start",
                "duo_term_end",
                "loan_amount_cents",
                "obligation_met_on",
                "created_at",
                "updated_at",
            ),
            [
                (
                    i,
                    1,
                    bsn,
                    "Learner",
                    f"{i:05d}",
                    "1990-01-01",
                    "asiel",
                    "B1",
                    "Utrecht",
                    "3511AB",
                    "2025-01-01",
                    "2028-01-01",
                    1_000_000,
                    "2026-11-15" if i % 7 == 0 else None,
                    STAMP,
                    STAMP,
                )
                for i, bsn in enumerate(_bsns(learners), start=1)
            ],
        )
        _bulk(
            conn,
            "contract",
            (
                "id",
                "provider_id",
                "learner_id",
                "number",
                "start_date",
                "end_date",
                "purchased_hours",
                "hourly_rate_cents",
                "total_price_cents",
                "status",
                "created_at",
            ),
            [
                (
                    i,
                    1,
                    i,
                    f"C-{i}",
                    "2025-01-01",
                    "2027-12-31",
                    800,
                    rnd.randrange(1400, 1801),
                    1_200_000,
                    "active",
                    STAMP,
                )
                for i in range(1, learners + 1)
            ],
        )
        _bulk(
            conn,
            "course_class",
            (
                "id",
                "provider_id",
                "name",
                "level",
                "location",
                "room",
                "start_date",
                "end_date",
                "max_size",
                "created_at",
            ),
            [
                (c, 1, f"Groep {c}", "A2", "Utrecht", "", FIRST.first_day, LAST.last_day, 16, STAMP)
                for c in range(1, classes + 1)
            ],
        )
        lessons, lesson_ids = [], {}
        for c in range(1, classes + 1):
            for day in days:
                lesson_id = len(lessons) + 1
                status = "cancelled" if rnd.random() < 0.03 else "scheduled"
                lessons.append((lesson_id, 1, c, day, "09:00:00", "12:00:00", status, False, "", 0))
                lesson_ids.setdefault(c, []).append(lesson_id)
        _bulk(
            conn,
            "lesson",
            (
                "id",
                "provider_id",
                "class_id",
                "lesson_date",
                "start_time",
                "end_time",
                "status",
                "manual",
                "note",
                "version",
            ),
            lessons,
        )
        marks = [
            (i, lesson_id, "present" if rnd.random() < 0.9 else "absent", 180, "", STAMP)
            for i in range(1, learners + 1)
            for lesson_id in lesson_ids[(i - 1) // 16 + 1]
        ]
        _bulk(
            conn,
            "attendance",
            ("learner_id", "lesson_id", "status", "minutes", "remark", "updated_at"),
            marks,
        )
        invoices, lines, quarter = [], [], FIRST
        while quarter < LAST:
            for i in range(1, learners + 1):
                inv_id = len(invoices) + 1
                issued = quarter.next().first_day
                invoices.append(
                    (
                        inv_id,
                        1,
                        i,
                        i,
                        "invoice",
                        str(quarter),
                        "paid",
                        True,
                        f"{issued.year}-{inv_id:05d}"[:12],
                        issued,
                        issued,
                        100_000,
                        0,
                        0,
                        "[]",
                        "",
                        "",
                        "",
                        STAMP,
                        STAMP,
                    )
                )
                lines.append((inv_id, inv_id, 1, "delivered", 100_000, True, "Gevolgde lessen", ""))
            quarter = quarter.next()
        _bulk(
            conn,
            "invoice",
            (
                "id",
                "provider_id",
                "learner_id",
                "contract_id",
                "kind",
                "quarter",
                "status",
                "slot",
                "number",
                "issue_date",
                "due_date",
                "total_cents",
                "delivered_cents",
                "open_after_cents",
                "flags",
                "learner_name",
                "reason",
                "status_reason",
                "created_at",
                "updated_at",
            ),
            invoices,
        )
        _bulk(
            conn,
            "invoice_line",
            (
                "id",
                "invoice_id",
                "position",
                "kind",
                "amount_cents",
                "invoiced",
                "description",
                "explanation",
            ),
            lines,
        )
        if conn.dialect.name == "postgresql":
            for table in (
                "provider",
                "learner",
                "contract",
                "course_class",
                "lesson",
                "invoice",
                "invoice_line",
            ):
                conn.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
            conn.execute(sa.text("ANALYZE"))
    print(
        f"seeded {learners} learners, {len(lessons)} lessons, {len(marks)} attendance rows, "
        f"{len(invoices)} earlier invoices in {time.perf_counter() - started:.1f} s"
    )


def run(url: str) -> None:
    """Time two draft runs of 2026-Q4 (the second refreshes the first's drafts); print peak memory."""
    from sqlmodel import Session

    from provider_portal.db import make_engine, unit_of_work
    from provider_portal.invoicing.drafts import make_drafts
    from provider_portal.models import Provider

    engine = make_engine(url)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for label in ("first run", "second run: refresh"):
        with Session(engine, expire_on_commit=False) as session:
            provider = session.execute(sa.select(Provider)).scalar_one()
        started, cpu = time.perf_counter(), time.process_time()
        with unit_of_work(engine) as session:  # the run and its commit, as the jobs process does
            result = make_drafts(session, provider, LAST, date(2027, 1, 1))
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{engine.dialect.name} draft run {LAST} ({label}): {took:.2f} s "
            f"(this process's CPU {cpu:.2f} s), created {result.created}, "
            f"updated {result.updated}, problems {len(result.problems)}, "
            f"total EUR {result.total_cents // 100:,}.{result.total_cents % 100:02d}, "
            f"peak RSS {peak:.0f} MB (process start {before:.0f} MB)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("seed", "run"))
    parser.add_argument("--url", required=True)
    parser.add_argument("--learners", type=int, default=20_000)
    args = parser.parse_args()
    url = normalise_database_url(args.url)
    seed(url, args.learners) if args.step == "seed" else run(url)


if __name__ == "__main__":
    main()
