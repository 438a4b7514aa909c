"""A planner's run end to end, measured (issue 17 points 2 and 4).

    .venv/bin/python bench/planning/run.py                          # PostgreSQL, 3,000 learners, 30 s
    .venv/bin/python bench/planning/run.py --learners 500 --limit 5 # a quick run
    .venv/bin/python bench/planning/run.py --url sqlite:////tmp/planning.sqlite3
    .venv/bin/python bench/planning/run.py --no-resolve             # the two runs only

1. A fresh database (PostgreSQL: `--db`, dropped and created on `--admin-url`'s server; or `--url`),
   migrated and seeded by `bench/planning/build.py`: a planner of twelve municipalities, 3,000
   learners, 200 cohorts and a quarter of exam days at DUO's five locations.
2. For a session run and an exam run, as the planner does it: the run form is posted through the
   Flask test client, logged in as the planner (the click: the problem is built from the database
   and stored, the job queued); a jobs worker of the jobs process, started before the click in this
   process with the production settings (poll every `JOBS_POLL_SECONDS`, the solver in a child of
   the fork server the jobs process starts with itself), takes the job, solves and stores the
   solution; then the run page (the review) is
   fetched. The run is then published (confirmed), as the planner would before re-planning.
3. Re-planning (point 4), through the same pages: pin one learner's placement or booking, unpin it,
   change one learner's availability, each followed by a run of `--resolve-limit` seconds seeded
   with the published plan; and, in the solver core only (the portal has no "move" action), one
   learner moved to another cohort and pinned there. For each: the solver's seconds, whether the
   plan passes the independent checker, and how many other learners' published placements or
   bookings moved.

It prints one table per run (phase, seconds), "click to reviewable" and "all but the solver", and
the re-planning table. Times are wall-clock seconds on whatever else the machine is doing: the
load average is printed with them.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.databases import fresh_postgres  # noqa: E402
from bench.planning.build import PASSWORD, build  # noqa: E402
from provider_portal import clock, create_app, migrate  # noqa: E402
from provider_portal.jobs.isolated import start_server  # noqa: E402
from provider_portal.jobs.process import JobSettings, work  # noqa: E402
from provider_portal.jobs.queue import claim_next, run_job  # noqa: E402
from provider_portal.models import ExamBooking, Job, Placement, PlanningProfile, PlanRun  # noqa: E402
from provider_portal.planning import runs  # noqa: E402

FINISHED = ("succeeded", "failed", "cancelled")
RUN_PAGE = re.compile(r"/planning/runs/(\d+)$")
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
FORM = {"sessions": "/planning/runs/", "exams": "/planning/exams/"}


@dataclass
class Timed:
    """A run's phases in seconds, in the order they happen."""

    kind: str
    run_id: int
    phases: list[tuple[str, float, float | None]] = field(default_factory=list)  # (name, wall, CPU)
    solver: float = 0.0  # the solver's share (its `solve` phase), excluded from "all but the solver"
    total: float = 0.0  # click to reviewable
    statements: int = 0  # SQL statements of the review page
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def all_but_solver(self) -> float:
        return self.total - self.solver


def _work_in_process(engine: sa.Engine, settings: JobSettings, stop: threading.Event) -> None:
    """A worker that runs the solver in its own process (the smoke test: no interpreter to start)."""
    while not stop.is_set():
        job_id = claim_next(engine)
        if job_id is None:
            stop.wait(settings.poll_seconds)
        else:
            run_job(engine, job_id, solver_threads=settings.solver_threads)


@contextmanager
def jobs_worker(engine: sa.Engine, settings: JobSettings, isolate: bool = True) -> Iterator[None]:
    """One worker of the jobs process, as `jobs run` starts it, until the block ends."""
    stop = threading.Event()
    thread = threading.Thread(target=work if isolate else _work_in_process, args=(engine, settings, stop),
                              name="bench-worker", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=60)


@contextmanager
def timed_build(kind: str, sink: list[float]) -> Iterator[None]:
    """Time the solver kind's `build` (the problem from the database) inside the click."""
    original = runs._solver(kind)

    def build(*args: Any) -> dict[str, Any]:
        began = time.perf_counter()
        try:
            return original.build(*args)
        finally:
            sink.append(time.perf_counter() - began)

    runs.SOLVERS[kind] = replace(original, build=build)
    try:
        yield
    finally:
        runs.SOLVERS[kind] = original


@contextmanager
def counting(engine: sa.Engine, sink: list[str]) -> Iterator[None]:
    def listener(*args: Any) -> None:
        sink.append(args[2])

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        yield
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)


def token(client: FlaskClient, page: str) -> dict[str, str]:
    """The CSRF token of the form on `page`, as the browser holds it (none when CSRF is off)."""
    found = TOKEN.search(client.get(page).get_data(as_text=True))
    return {"csrf_token": found.group(1) or found.group(2)} if found else {}


def login(client: FlaskClient, email: str) -> None:
    response = client.post("/login", data={"email": email, "password": PASSWORD, **token(client, "/login")})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def _job(engine: sa.Engine, run_id: int) -> tuple[str, dict[str, Any] | None, str | None]:
    with Session(engine) as session:
        row = session.execute(
            sa.select(Job.status, Job.result, Job.error).join(PlanRun, PlanRun.job_id == Job.id)
            .where(PlanRun.id == run_id)
        ).one()
    return row[0], row[1], row[2]


def start_and_review(client: FlaskClient, engine: sa.Engine, kind: str, municipalities: tuple[str, ...],
                     limit: int, reviews: int = 3, poll: float = 0.02, wait: float = 900.0) -> Timed:
    """Click "run", wait for the jobs process's result, open the review; every phase timed."""
    built: list[float] = []
    form = {"municipalities": list(municipalities), "time_limit": limit, **token(client, FORM[kind])}
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    began, cpu0 = time.perf_counter(), time.process_time()  # the planner has the form open: the click
    with timed_build(kind, built):
        response = client.post(FORM[kind], data=form)
    clicked, click_cpu = time.perf_counter(), time.process_time() - cpu0
    location = response.headers.get("Location", "")
    match = RUN_PAGE.search(location)
    errors = re.findall(r'<p class="error"[^>]*>([^<]*)<', response.get_data(as_text=True))
    assert response.status_code == 302 and match, (response.status_code, errors)
    run_id = int(match.group(1))
    started = None
    while True:
        status, result, error = _job(engine, run_id)
        now = time.perf_counter()
        if status != "queued" and started is None:
            started = now
        if status in FINISHED:
            break
        assert now - clicked < wait, f"run {run_id} still {status} after {wait} s"
        time.sleep(poll)
    done = time.perf_counter()
    assert status == "succeeded", f"run {run_id} {status}: {error}"
    assert result is not None
    if "cpu_seconds" in result:  # the solver process says so itself (a child of the fork server)
        solver_cpu = float(result["cpu_seconds"])
    else:  # solved in this process (the smoke test's shortcut)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        solver_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    page_times, page_cpu, statements = [], [], []
    for n in range(reviews):
        sql: list[str] = []
        t0, c0 = time.perf_counter(), time.process_time()
        with counting(engine, sql):
            page = client.get(f"/planning/runs/{run_id}")
        page_times.append(time.perf_counter() - t0)
        page_cpu.append(time.process_time() - c0)
        assert page.status_code == 200, page.status_code
        if n == 0:
            statements = sql
    phases = result.get("phases", {})
    inside = sum(phases.values())
    job_wall = done - (started or done)
    timed = Timed(kind, run_id, summary=result)
    rest = slice(1, None) if len(page_times) > 1 else slice(0, 1)
    timed.phases = [
        ("click: build the problem from the database", built[0], None),
        ("click: store the run, queue the job, answer the page", clicked - began - built[0], None),
        ("click as a whole (CPU: the web process)", clicked - began, click_cpu),
        ("queued until a jobs worker takes it", (started or done) - clicked, None),
        # the job's wall time is seen by polling (every `poll` s): clamp the rounding below zero
        ("start the solver's process (fork server), record the job's end", max(0.0, job_wall - inside),
         None),
        ("solver process: read the stored problem", phases.get("load", 0.0), None),
        ("solver process: solve (JSON in and out included)", phases.get("solve", 0.0), None),
        ("solver process: store the solution", phases.get("store", 0.0), None),
        ("solver process as a whole (CPU: all its threads)", job_wall, solver_cpu),
        ("review page (first GET)", page_times[0], page_cpu[0]),
        ("review page (median of the next GETs)", statistics.median(page_times[rest]),
         statistics.median(page_cpu[rest])),
    ]
    timed.solver = phases.get("solve", 0.0)
    timed.total = done - began + page_times[0]
    timed.statements = len(statements)
    return timed


def publish(client: FlaskClient, run_id: int) -> float:
    form = {"confirm": "1", **token(client, f"/planning/runs/{run_id}")}
    began = time.perf_counter()
    response = client.post(f"/planning/runs/{run_id}/publish", data=form)
    assert response.status_code == 302, response.status_code
    return time.perf_counter() - began


def print_run(timed: Timed, publish_seconds: float | None = None) -> None:
    summary = timed.summary
    print(f"\n{timed.kind} run {timed.run_id}: status {summary.get('status')}, objective "
          f"{summary.get('objective')}, gap {summary.get('gap')}, "
          f"solver's own seconds {summary.get('seconds')}")
    print("| phase | seconds | CPU seconds |\n|---|---|---|")
    for name, seconds, cpu in timed.phases:
        print(f"| {name} | {seconds:.2f} | {'' if cpu is None else f'{cpu:.2f}'} |")
    print(f"| **click to reviewable** | **{timed.total:.2f}** | |")
    print(f"| **all but the solver** | **{timed.all_but_solver:.2f}** | |")
    if publish_seconds is not None:
        print(f"| publish (after the confirmation) | {publish_seconds:.2f} | |")
    print(f"review page: {timed.statements} SQL statements")


# -- re-planning (point 4) ---------------------------------------------------------------------------


def _published(engine: sa.Engine, kind: str) -> dict[tuple[str, str], tuple[str, bool]]:
    """The published plan: (learner, module or component) -> (cohort or session, pinned)."""
    model: Any = Placement if kind == "sessions" else ExamBooking
    key, target = ((model.module, model.cohort_id) if kind == "sessions"
                   else (model.component, model.session_id))
    with Session(engine) as session:
        return {(str(lid), str(k)): (str(t), bool(p))
                for lid, k, t, p in session.execute(sa.select(model.learner_id, key, target, model.pinned))}


def _plan_of(engine: sa.Engine, run_id: int, kind: str
             ) -> tuple[dict[str, Any], dict[tuple[str, str], str], dict[str, Any]]:
    """The run's problem, its plan ((learner, module or portal component) -> cohort or session) and
    its solution."""
    from provider_portal.exams.problem import FROM_CORE

    with Session(engine) as session:
        run = session.execute(sa.select(PlanRun).where(PlanRun.id == run_id)).scalar_one()
        problem, solution = run.problem, run.solution or {}
    if kind == "sessions":
        return problem, {(a["learner"], a["module"]): a["cohort"] for a in solution["assignments"]}, solution
    plan = {(b["learner"], FROM_CORE[b["component"]]): b["session"] for b in solution["bookings"]}
    return problem, plan, solution


def valid(kind: str, problem: dict[str, Any], plan: dict[tuple[str, str], str]) -> bool:
    """The project's independent checker on the run's plan."""
    if kind == "sessions":
        from scheduler.sessions.check import check as check_sessions
        from scheduler.sessions.domain import Assignment
        from scheduler.sessions.io import problem_from_json

        parsed = problem_from_json(problem)
        pins = {(a.learner, a.module): a.pinned for a in parsed.existing}
        rows = [Assignment(lid, m, c, pins.get((lid, m), False)) for (lid, m), c in plan.items()]
        return not check_sessions(parsed, rows).violations
    from provider_portal.exams.problem import TO_CORE
    from scheduler.exams.check import check as check_exams
    from scheduler.exams.io import problem_from_json as exam_problem

    rows = sorted((lid, TO_CORE[c], s) for (lid, c), s in plan.items())
    errors, _value = check_exams(exam_problem(problem), rows)
    return not errors


def moved_others(before: dict[tuple[str, str], tuple[str, bool]], after: dict[tuple[str, str], str],
                 touched: str) -> tuple[int, int]:
    """Of the other learners' published placements or bookings: how many moved or were dropped,
    and of how many."""
    others = {k: v for k, v in before.items() if k[0] != touched}
    return sum(1 for k, (target, _p) in others.items() if after.get(k) != target), len(others)


@dataclass
class Replan:
    kind: str
    action: str
    solver_seconds: float
    total: float
    valid: bool
    moved: int
    others: int
    note: str = ""


def replan_portal(client: FlaskClient, engine: sa.Engine, kind: str, municipalities: tuple[str, ...],
                  limit: int, action: str, change: Callable[[], str]) -> Replan:
    """Make one change through the portal (`change` returns the learner touched), then re-run."""
    before = _published(engine, kind)
    touched = change()
    timed = start_and_review(client, engine, kind, municipalities, limit, reviews=1)
    problem, after, solution = _plan_of(engine, timed.run_id, kind)
    moved, others = moved_others(before, after, touched)
    seconds = float(timed.summary.get("seconds") or 0.0)
    publish(client, timed.run_id)
    note = f"status {timed.summary.get('status')}"
    if kind == "exams":  # the exam solver says why it moved an existing booking
        said = [m for m in solution.get("moved", []) if m["learner"] != touched]
        note += f"; the solver names {len(said)} moves of others with a reason"
    return Replan(kind, action, seconds, timed.total, valid(kind, problem, after), moved, others, note)


def _pin(client: FlaskClient, kind: str, learner: str, key: str) -> None:
    url = (f"/planning/learners/{learner}/pin" if kind == "sessions"
           else f"/planning/exams/learners/{learner}/pin")
    field_name = "module" if kind == "sessions" else "component"
    page = f"/planning/learners/{learner}"
    response = client.post(url, data={field_name: key, **token(client, page)})
    assert response.status_code == 302, response.status_code


def _new_availability(client: FlaskClient, engine: sa.Engine, learner: str) -> None:
    """The learner can no longer come on mornings (a new job): their profile changes through its page."""
    with Session(engine) as session:
        profile = session.get(PlanningProfile, int(learner))
        slots = list(profile.availability) if profile and profile.availability else [
            f"{d}:{p}" for d in ("mon", "tue", "wed", "thu", "fri") for p in ("morning", "afternoon")]
        travel = profile.max_travel_km if profile else 25
    kept = [s for s in slots if not s.endswith(":morning")] or ["mon:evening"]
    page = f"/planning/learners/{learner}/profile"
    response = client.post(page, data={"availability": kept, "preferred": [], "max_travel_km": travel,
                                       **token(client, page)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def replan_all(client: FlaskClient, engine: sa.Engine, kind: str, municipalities: tuple[str, ...],
               limit: int) -> list[Replan]:
    """Pin, unpin and a learner's change through the portal; a move in the core (sessions)."""
    plan = sorted(_published(engine, kind))
    assert plan, f"nothing published for {kind}"
    learner, key = plan[len(plan) // 2]
    changed = plan[len(plan) // 3][0]
    out = [
        replan_portal(client, engine, kind, municipalities, limit, "pin one learner's "
                      + ("placement" if kind == "sessions" else "booking"),
                      lambda: (_pin(client, kind, learner, key), learner)[1]),
        replan_portal(client, engine, kind, municipalities, limit, "unpin it",
                      lambda: (_pin(client, kind, learner, key), learner)[1]),
        replan_portal(client, engine, kind, municipalities, limit, "one learner's availability changes",
                      lambda: (_new_availability(client, engine, changed), changed)[1]),
    ]
    if kind == "sessions":
        out.append(move_in_core(engine, limit))
    return out


def move_in_core(engine: sa.Engine, limit: int) -> Replan:
    """The planner moves one learner to another cohort and pins it there: the solver core, seeded
    with the latest run's problem (its published plan as the existing plan)."""
    from scheduler.sessions.check import check
    from scheduler.sessions.domain import Assignment
    from scheduler.sessions.io import problem_from_json
    from scheduler.sessions.solver import solve

    with Session(engine) as session:
        latest = session.execute(sa.select(PlanRun.id).where(PlanRun.kind == "sessions")
                                 .order_by(PlanRun.id.desc()).limit(1)).scalar_one()
    problem_json, plan, _solution = _plan_of(engine, latest, "sessions")
    problem = problem_from_json(problem_json)
    existing = [Assignment(lid, m, c, False) for (lid, m), c in sorted(plan.items())]
    trial = _a_valid_move(problem, existing)
    if trial is None:
        return Replan("sessions", "move one learner (core)", 0.0, 0.0, False, 0, 0, "no valid move found")
    a = next(x for x in trial if x.pinned)
    seeded = replace(problem, existing=tuple(trial))
    began = time.perf_counter()
    solution = solve(seeded, time_limit=limit, workers=2, seed=0)
    seconds = time.perf_counter() - began
    after = {(x.learner, x.module): x.cohort for x in solution.assignments}
    before = {(x.learner, x.module): (x.cohort, x.pinned) for x in existing}
    moved, others = moved_others(before, after, a.learner)
    ok = not check(seeded, solution.assignments).violations
    return Replan("sessions", "move one learner to another cohort, pinned (core)", solution.seconds, seconds,
                  ok, moved, others, f"status {solution.status}")


def _a_valid_move(problem: Any, existing: list[Any]) -> list[Any] | None:
    """The existing plan with one learner-module moved to another running cohort with room that it
    may join (the solver's index lists where it may go; the checker has the last word), pinned."""
    from collections import Counter

    from scheduler.sessions.check import check
    from scheduler.sessions.domain import Assignment
    from scheduler.sessions.index import build_index

    idx = build_index(replace(problem, existing=tuple(existing)))
    size = Counter(x.cohort for x in existing)
    where = {(x.learner, x.module): n for n, x in enumerate(existing)}
    minimum = {c.id: c.min_size for c in problem.cohorts}
    tries = 0
    for lm, (li, module) in enumerate(idx.lms):
        n = where.get((problem.learners[li].id, module))
        if n is None or size[existing[n].cohort] <= minimum[existing[n].cohort]:
            continue
        for arc in idx.lm_arcs[lm]:
            cohort = problem.cohorts[idx.arc_cohort[arc]]
            if cohort.id == existing[n].cohort or not cohort.min_size <= size[cohort.id] < cohort.max_size:
                continue
            moved = Assignment(existing[n].learner, module, cohort.id, True)
            trial = [*existing[:n], moved, *existing[n + 1:]]
            tries += 1
            if not check(replace(problem, existing=tuple(trial)), trial).violations:
                return trial
            if tries >= 50:
                return None
    return None


def print_replans(rows: list[Replan], limit: int) -> None:
    print(f"\nre-planning with a {limit} s limit, seeded with the published plan")
    print("| run | change | solver s | click to reviewable s | valid | others moved | note |\n"
          "|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r.kind} | {r.action} | {r.solver_seconds:.2f} | {r.total:.2f} | "
              f"{'yes' if r.valid else 'NO'} | {r.moved} of {r.others} | {r.note} |")


# -- the whole benchmark ----------------------------------------------------------------------------


def make_app(url: str) -> Flask:
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-" * 8, "INSTANCE_PATH": tempfile.mkdtemp(),
                       "RATELIMIT_ENABLED": False, "TESTING": True})


def bench(app: Flask, today: date, learners: int, limit: int, resolve_limit: int | None,
          kinds: tuple[str, ...] = ("sessions", "exams"), settings: JobSettings | None = None,
          quiet: bool = False, isolate: bool = True) -> dict[str, Any]:
    """Seed into `app`'s (empty, migrated) database and measure; returns what it printed. With
    `isolate` False the worker solves in this process (the smoke test's shortcut)."""
    engine: sa.Engine = app.extensions["db_engine"]
    began = time.perf_counter()
    world = build(engine, today, learners)
    if engine.dialect.name == "postgresql":  # as autovacuum would soon after a bulk load: without
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:  # statistics,
            conn.execute(sa.text("ANALYZE"))  # PostgreSQL ran the exam build's IN-list as a 57 s nested loop
    seeded = time.perf_counter() - began
    if not quiet:
        print(f"seeded in {seeded:.1f} s: {world['learners']} learners, {world['demand']} learner-modules "
              f"waiting, load average {_load()}", flush=True)
    settings = settings or JobSettings(workers=1, solver_workers=1,
                                       poll_seconds=app.config["JOBS_POLL_SECONDS"],
                                       solver_threads=app.config["JOBS_SOLVER_THREADS"],
                                       solver_cpu_seconds=app.config["JOBS_SOLVER_CPU_SECONDS"])
    client = app.test_client()
    login(client, world["planner"])
    out: dict[str, Any] = {"seeded": seeded, "runs": [], "replans": []}
    if not quiet:
        wall, cpu = solver_imports()
        print(f"a fresh interpreter imports the solver process's modules in {wall:.2f} s ({cpu:.2f} s CPU)")
    if isolate:  # as `jobs run` does when it starts, long before a planner's click
        warm = time.perf_counter()
        start_server(wait=True)
        if not quiet:
            print(f"the fork server of the jobs process is ready in {time.perf_counter() - warm:.2f} s",
                  flush=True)
    with jobs_worker(engine, settings, isolate):
        for kind in kinds:
            timed = start_and_review(client, engine, kind, world["municipalities"], limit)
            published = publish(client, timed.run_id)
            out["runs"].append((timed, published))
            if not quiet:
                print_run(timed, published)
                print(f"load average {_load()}", flush=True)
        if resolve_limit:
            for kind in kinds:
                out["replans"] += replan_all(client, engine, kind, world["municipalities"], resolve_limit)
            if not quiet:
                print_replans(out["replans"], resolve_limit)
                print(f"load average {_load()}", flush=True)
    return out


def solver_imports() -> tuple[float, float]:
    """Wall and CPU seconds a fresh interpreter takes to import what a solver process imports."""
    code = ("from provider_portal.jobs.queue import handler_for; handler_for('planning.run'); "
            "from provider_portal.planning.runs import _solver; _solver('sessions'); _solver('exams')")
    before, began = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return time.perf_counter() - began, cpu


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--learners", type=int, default=3_000)
    ap.add_argument("--limit", type=int, default=30, help="the runs' time limit in seconds (5-600)")
    ap.add_argument("--resolve-limit", type=int, default=5, help="the re-planning runs' limit (5-600)")
    ap.add_argument("--no-resolve", action="store_true")
    ap.add_argument("--kinds", nargs="+", default=["sessions", "exams"], choices=["sessions", "exams"])
    ap.add_argument("--url", help="a database URL used as it is (SQLite file, empty PostgreSQL database)")
    ap.add_argument("--admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--db", default="inburgering_bench_planning", help="PostgreSQL database, dropped first")
    a = ap.parse_args()
    url = a.url or fresh_postgres(a.admin_url, a.db)
    migrate.upgrade(url)
    app = make_app(url)
    print(f"database {url.rsplit('/', 1)[-1]}, {a.learners} learners, limit {a.limit} s, "
          f"load average {_load()}", flush=True)
    bench(app, clock.today(), a.learners, a.limit, None if a.no_resolve else a.resolve_limit, tuple(a.kinds))
    app.extensions["db_engine"].dispose()


if __name__ == "__main__":
    main()
