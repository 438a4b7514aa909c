"""Benchmark the register and learner pages on a provider with 2,000 learners and a year of lessons.

Prints median and p95 per measurement, on SQLite and (when reachable) PostgreSQL:

    .venv/bin/python bench/attendance/run.py [--runs 30] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432]

Each backend gets a fresh database, migrated with provider_portal.migrate.upgrade and filled with
bulk inserts (bench/attendance/build.py); PostgreSQL's is created and dropped by this script.
Requests go through the Flask test client, logged in as a provider admin. Not a timed test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.attendance.build import ADMIN_EMAIL, CLASSES, LEARNERS, PASSWORD, build  # noqa: E402
from provider_portal import clock, create_app, migrate  # noqa: E402
from provider_portal.models import Attendance, Enrolment, Lesson  # noqa: E402

TARGET_MS = 150


def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


PROFILE: list[bool] = [False]  # --profile: print where one run of each measurement spends its time


def _time(action: Callable[[int], Any], runs: int) -> list[float]:
    action(0)  # warm up caches and templates
    if PROFILE[0]:
        _profile(action)
    samples = []
    for n in range(runs):
        start = time.perf_counter()
        action(n)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _profile(action: Callable[[int], Any]) -> None:
    import cProfile
    import pstats

    queries: list[str] = []
    listener = lambda *a: queries.append(a[2])  # noqa: E731
    sa.event.listen(sa.Engine, "before_cursor_execute", listener)
    profiler = cProfile.Profile()
    profiler.runcall(action, 1)
    sa.event.remove(sa.Engine, "before_cursor_execute", listener)
    print(f"  {len(queries)} SQL statements", file=sys.stderr)
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats("provider_portal", 12)


def measure(url: str, runs: int) -> list[tuple[str, float, float]]:
    """Build the data into `url`, then time the three requests."""
    migrate.upgrade(url)
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench-" * 8,
            "WTF_CSRF_ENABLED": False,
            "INSTANCE_PATH": tempfile.mkdtemp(),
            "RATELIMIT_ENABLED": False,
            "TESTING": True,
        }
    )
    engine: sa.Engine = app.extensions["db_engine"]
    today = clock.today()
    started = time.perf_counter()
    world = build(engine, today)
    with engine.connect() as conn:
        counts = {m.__name__: conn.execute(sa.select(sa.func.count()).select_from(m)).scalar_one()
                  for m in (Lesson, Enrolment, Attendance)}
    elapsed = time.perf_counter() - started
    print(f"  {url.split('/')[-1]}: built in {elapsed:.1f} s: {counts}", file=sys.stderr)
    client = app.test_client()
    assert client.post("/login", data={"email": ADMIN_EMAIL, "password": PASSWORD}).status_code == 302
    results = [
        ("save a 25-learner register", *_stats(_time(_register(client, engine, world, today), runs))),
        ("learner list", *_stats(_time(lambda n: _get(client, f"/learners/?page={1 + n % 5}"), runs))),
    ]
    busiest = _busiest_learners(engine, runs + 1)
    results.append(("learner page", *_stats(_time(lambda n: _get(client, f"/learners/{busiest[n]}"), runs))))
    engine.dispose()
    return results


def _get(client: Any, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)


def _register(client: Any, engine: sa.Engine, world: dict[str, Any], today: date) -> Callable[[int], None]:
    """Each run saves another recent, unsigned lesson of one class, changing some statuses."""
    class_id = world["lessons"][0]["class_id"]
    with engine.connect() as conn:
        lesson_ids = list(
            conn.execute(
                sa.select(Lesson.id)
                .where(Lesson.class_id == class_id, Lesson.lesson_date < today, Lesson.signed_at.is_(None))
                .order_by(Lesson.lesson_date.desc())
            ).scalars()
        )
        learners = list(
            conn.execute(sa.select(Enrolment.learner_id).where(Enrolment.class_id == class_id)).scalars()
        )

    def save(n: int) -> None:
        lesson_id = lesson_ids[n % len(lesson_ids)]
        with engine.connect() as conn:
            version = conn.execute(sa.select(Lesson.version).where(Lesson.id == lesson_id)).scalar_one()
        form = {"version": str(version)}
        for k, lid in enumerate(learners):
            form |= {
                f"status-{lid}": "late" if (k + n) % 4 == 0 else "present",
                f"minutes-{lid}": "",
                f"remark-{lid}": "",
            }
        response = client.post(f"/lessons/{lesson_id}", data=form)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]

    return save


def _busiest_learners(engine: sa.Engine, count: int) -> list[int]:
    with engine.connect() as conn:
        stmt = (
            sa.select(Attendance.learner_id)
            .group_by(Attendance.learner_id)
            .order_by(sa.func.count().desc(), Attendance.learner_id)
            .limit(count)
        )
        return list(conn.execute(stmt).scalars())


def _postgres(base: str, runs: int) -> list[tuple[str, float, float]] | None:
    name = f"bench_attendance_{os.getpid()}"
    admin = sa.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        print(f"PostgreSQL not reachable ({exc.orig}); skipped", file=sys.stderr)
        return None
    try:
        return measure(f"{base}/{name}", runs)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    """Print one markdown table per backend."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    ap.add_argument("--only", choices=("sqlite", "postgresql"))
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    PROFILE[0] = args.profile
    print(
        f"{LEARNERS} learners, {CLASSES} classes, a year of lessons; {args.runs} runs each; "
        f"target median < {TARGET_MS} ms\n"
    )
    backends: list[tuple[str, Callable[[], list[tuple[str, float, float]] | None]]] = []
    if args.only != "postgresql":
        folder = tempfile.mkdtemp()
        backends.append(("SQLite", lambda: measure(f"sqlite:///{folder}/bench.sqlite3", args.runs)))
    if args.only != "sqlite":
        backends.append(("PostgreSQL", lambda: _postgres(args.postgres, args.runs)))
    print("| database | measurement | median ms | p95 ms | target met |")
    print("|---|---|---|---|---|")
    for label, run in backends:
        for name, median, p95 in run() or []:
            print(
                f"| {label} | {name} | {median:.1f} | {p95:.1f} | {'yes' if median < TARGET_MS else 'NO'} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
