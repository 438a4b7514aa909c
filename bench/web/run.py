"""Load benchmark of the production set-up: gunicorn workers on PostgreSQL, many users at once, and
where each request's time went.

    .venv/bin/python bench/web/run.py                        # build, 20 clients for 60 s
    .venv/bin/python bench/web/run.py --clients 20 --seconds 60 --workers 4
    .venv/bin/python bench/web/run.py --reuse                # keep the database of the last run

What it does, bounded in clients, time and address (127.0.0.1 only):
1. a fresh PostgreSQL database (`--db`, dropped first), migrated, filled by
   `bench.attendance.build` (2,000 learners, 120 classes, a year of registers), plus teacher and
   learner accounts and a lesson in progress now for 20 classes (for presence confirmation);
2. gunicorn (`--workers`, `--threads`) with `PORTAL_ENV=production` on that database, with the
   production settings of `gunicorn.conf.py` plus timing hooks (`bench/web/gunicorn_timing.py`);
3. `--clients` closed-loop clients (no think time) in `--client-processes` processes of the lean
   asyncio client (`bench/web/client.py`), half teachers and half learners, each logged in once
   through the real form before the clock starts: a teacher opens a register, saves it (every
   third visit), opens the learner list and a learner's page; a learner opens `/me/`, the presence
   form and confirms with the lesson's current code. `--warmup` seconds run first, unmeasured.

It prints per page the count, median, p95 and p99 as the client saw them, the errors, and what the
worker measured for the same requests: wall time inside the worker, its CPU, the time inside the
database driver and the statements; the difference between the client's and the worker's time is
the wait for a free worker (the listen queue). Then the requests per second over the mix and the
CPU of the whole machine per request, split by /proc into the gunicorn workers, PostgreSQL's
backends of this database, PostgreSQL's other processes, the load client, everything else on the
machine, and idle. The figures belong in docs/benchmarks.md ("A whole school at once").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.attendance.build import build  # noqa: E402
from bench.databases import fresh_postgres  # noqa: E402
from bench.web.client import Browser, HttpError, Response  # noqa: E402
from provider_portal import clock  # noqa: E402
from provider_portal.attendance.codes import presence_code  # noqa: E402
from provider_portal.migrate import upgrade  # noqa: E402
from provider_portal.models import ClassTeacher, Enrolment, Lesson, User  # noqa: E402

PASSWORD = "bench-web-password"
TEACHERS, LIVE_CLASSES = 12, 20
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
VERSION = re.compile(r'name="version"[^>]*value="(-?\d+)"')
STATUS = re.compile(r'name="status-(\d+)"')
PAGES = ("register page", "register save", "learner list", "learner page", "learner /me/",
         "presence form", "presence confirmation")
# The worker's request lines, by method and path, to the client's page names.
ROUTES = (("GET", re.compile(r"/lessons/\d+$"), "register page"),
          ("POST", re.compile(r"/lessons/\d+$"), "register save"),
          ("GET", re.compile(r"/learners/$"), "learner list"),
          ("GET", re.compile(r"/learners/\d+$"), "learner page"),
          ("GET", re.compile(r"/me/$"), "learner /me/"),
          ("GET", re.compile(r"/me/confirm$"), "presence form"),
          ("POST", re.compile(r"/me/confirm$"), "presence confirmation"))


def world_file(db: str) -> Path:
    """The accounts and lessons of the last build of `db` (run.py and cpu.py share it)."""
    return Path(tempfile.gettempdir()) / f"{db}.world.json"


def _seed(url: str) -> dict[str, Any]:
    """The attendance benchmark's provider, plus teachers, learner accounts and lessons in progress."""
    upgrade(url)
    engine = sa.create_engine(url)
    today, now = clock.today(), clock.now()
    started = time.perf_counter()
    world = build(engine, today)
    provider_id, learner_ids = world["provider_id"], world["learner_ids"]
    digest = generate_password_hash(PASSWORD, method="scrypt")  # one hash: scrypt costs 100 ms each
    with engine.begin() as conn:
        classes = sorted({x["class_id"] for x in world["lessons"]})
        members: dict[int, list[int]] = defaultdict(list)
        for class_id, learner_id in conn.execute(sa.select(Enrolment.class_id, Enrolment.learner_id)):
            members[class_id].append(learner_id)
        teachers = []
        for n in range(TEACHERS):
            uid = conn.execute(sa.insert(User.__table__).values(
                email=f"docent{n}@bench.example", name=f"Docent {n}", role="teacher", active=True,
                created_at=now, password_hash=digest, provider_id=provider_id,
            ).returning(User.__table__.c.id)).scalar_one()
            mine = classes[n::TEACHERS]
            conn.execute(sa.insert(ClassTeacher.__table__), [dict(class_id=c, user_id=uid) for c in mine])
            recent = [x["id"] for x in world["lessons"]
                      if x["class_id"] in mine and today - timedelta(days=60) <= x["lesson_date"] < today]
            teachers.append({"email": f"docent{n}@bench.example", "lessons": recent,
                             "learners": sorted({lid for c in mine for lid in members[c]})})
        # A lesson in progress for the first LIVE_CLASSES classes, so their learners can confirm.
        local = now.replace(tzinfo=None)
        start = max(datetime.combine(today, clock_time(0, 1)), local - timedelta(minutes=60))
        end = min(datetime.combine(today, clock_time(23, 59)), local + timedelta(hours=2))
        live, learners = {}, []
        for class_id in classes[:LIVE_CLASSES]:
            live[class_id] = conn.execute(sa.insert(Lesson.__table__).values(
                provider_id=provider_id, class_id=class_id, lesson_date=today,
                start_time=start.time().replace(second=0, microsecond=0),
                end_time=end.time().replace(second=0, microsecond=0),
                status="scheduled", manual=True, note="bench", version=0,
            ).returning(Lesson.__table__.c.id)).scalar_one()
            for learner_id in members[class_id]:
                learners.append({"email": f"cursist{learner_id}@bench.example", "lesson": live[class_id],
                                 "learner_id": learner_id})
        seen: set[int] = set()
        rows = []
        for item in learners:
            if item["learner_id"] in seen:
                continue
            seen.add(item["learner_id"])
            rows.append(dict(email=item["email"], name=f"Cursist {item['learner_id']}", role="learner",
                             active=True, created_at=now, password_hash=digest,
                             provider_id=provider_id, learner_id=item["learner_id"]))
        conn.execute(sa.insert(User.__table__), rows)
    # A production server's autovacuum gathers the planner's statistics after a bulk load; this
    # machine runs PostgreSQL with autovacuum off, and without statistics the register page's
    # statements took 750 ms of PostgreSQL's CPU (nested loops over guessed row counts, JIT-compiled).
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("ANALYZE"))
    engine.dispose()
    learners = list({x["learner_id"]: x for x in learners}.values())
    print(f"seeded in {time.perf_counter() - started:.0f} s: {len(learner_ids)} learners, "
          f"{len(world['lessons'])} lessons, {TEACHERS} teachers, {len(learners)} learner accounts, "
          f"{len(live)} lessons in progress", flush=True)
    return {"teachers": teachers, "learners": learners}


# --------------------------------------------------------------------------- CPU from /proc


def _ticks(pid: int, children_too: bool = False) -> int:
    """utime + stime of a process (+ its reaped children's), in clock ticks; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    own = int(fields[11]) + int(fields[12])
    return own + (int(fields[13]) + int(fields[14]) if children_too else 0)


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(p) for p in path.read_text().split()]
    except FileNotFoundError:
        return []


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except FileNotFoundError:
        return ""


def _machine() -> tuple[int, int]:
    """(busy, idle) clock ticks of all cores since boot (/proc/stat; iowait counts as idle)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values[:8]) - idle, idle


def _postmaster(url: str) -> int:
    """The PostgreSQL server's main process: the parent of a backend of ours (same machine)."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        backend = int(conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())
    engine.dispose()
    return int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])


class Counters:
    """CPU ticks of the parts the benchmark tells apart, sampled at the start and end of the clock."""

    def __init__(self, gunicorn: int, postmaster: int, db: str) -> None:
        self.gunicorn, self.postmaster, self.db = gunicorn, postmaster, db

    def sample(self) -> dict[str, Any]:
        workers = {pid: _ticks(pid) for pid in _children(self.gunicorn)}
        ours, others = {}, 0
        for pid in _children(self.postmaster):
            # a backend's command line: "postgres: <user> <database> <client address> <state>"
            if f" {self.db} " in _cmdline(pid) + " ":
                ours[pid] = _ticks(pid)
            else:
                others += _ticks(pid)
        busy, idle = _machine()
        return {"workers": workers, "workers_gone": _ticks(self.gunicorn, True) - _ticks(self.gunicorn),
                "master": _ticks(self.gunicorn), "pg_ours": ours,
                "pg_others": others + _ticks(self.postmaster, True), "busy": busy, "idle": idle}

    @staticmethod
    def delta(before: dict[str, Any], after: dict[str, Any]) -> dict[str, float]:
        """Seconds of CPU between two samples, per part."""
        hz = os.sysconf("SC_CLK_TCK")
        workers = sum(t - before["workers"].get(p, 0) for p, t in after["workers"].items())
        workers += after["workers_gone"] - before["workers_gone"]  # replaced workers (max_requests)
        ours = sum(t - before["pg_ours"].get(p, 0) for p, t in after["pg_ours"].items())
        gone = sum(t for p, t in before["pg_ours"].items() if p not in after["pg_ours"])
        return {"workers": workers / hz, "master": (after["master"] - before["master"]) / hz,
                "pg_ours": ours / hz,
                # a backend of ours that ended is in the postmaster's reaped children's time
                "pg_others": (after["pg_others"] - before["pg_others"] - gone) / hz,
                "busy": (after["busy"] - before["busy"]) / hz, "idle": (after["idle"] - before["idle"]) / hz}


# --------------------------------------------------------------------------- the clients


class Recorder:
    """Per page the latencies (ms) of the requests that ended inside the measured window."""

    def __init__(self, measure_from: float, stop_at: float) -> None:
        self.measure_from, self.stop_at = measure_from, stop_at
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: dict[str, str] = {}

    async def call(self, page: str, browser: Browser, method: str, path: str,
                   form: dict[str, str] | None = None, expect: tuple[int, ...] = (200,)) -> Response | None:
        began = time.monotonic()
        try:
            if method == "GET":
                response: Response | None = await browser.get(path)
            else:
                response = await browser.post(path, form or {})
            assert response is not None
            status, problem = response.status, ""
            if status not in expect:
                problem = f"HTTP {status}: {response.text[:300]}"
            elif "/login" in (response.header("location") or ""):
                problem = "sent to the log-in page: the session was lost"
        except (OSError, asyncio.IncompleteReadError, ValueError, HttpError) as exc:
            response, problem = None, f"{type(exc).__name__}: {exc}"
        ended = time.monotonic()
        if self.measure_from <= ended <= self.stop_at:
            self.times[page].append((ended - began) * 1000)
            if problem:
                self.errors[page] += 1
                self.samples.setdefault(page, problem)
        return None if problem else response


async def _login(port: int, email: str) -> Browser:
    browser = Browser(port)
    page = await browser.get("/login")
    token = TOKEN.search(page.text)
    response = await browser.post("/login", {"email": email, "password": PASSWORD,
                                             "csrf_token": token.group(1) if token else ""})
    if response.status != 302:
        raise SystemExit(f"log-in of {email} failed: HTTP {response.status}")
    return browser


async def _teacher(who: dict[str, Any], browser: Browser, rec: Recorder, seed: int) -> None:
    rng, visits = random.Random(seed), 0
    while time.monotonic() < rec.stop_at:
        lesson = rng.choice(who["lessons"])
        page = await rec.call("register page", browser, "GET", f"/lessons/{lesson}")
        visits += 1
        if page is not None and visits % 3 == 0 and time.monotonic() < rec.stop_at:
            html = page.text
            token, version = TOKEN.search(html), VERSION.search(html)
            form = {"csrf_token": token.group(1) if token else "",
                    "version": version.group(1) if version else "0"}
            for lid in sorted(set(STATUS.findall(html))):
                form[f"status-{lid}"] = rng.choice(("present", "present", "late", "absent"))
                form[f"minutes-{lid}"] = ""
            await rec.call("register save", browser, "POST", f"/lessons/{lesson}", form, expect=(302,))
        if time.monotonic() >= rec.stop_at:
            break
        await rec.call("learner list", browser, "GET", f"/learners/?page={rng.randint(1, 5)}")
        await rec.call("learner page", browser, "GET", f"/learners/{rng.choice(who['learners'])}")


async def _learner(accounts: list[tuple[dict[str, Any], Browser]], secret: str, rec: Recorder,
                   seed: int) -> None:
    rng = random.Random(seed)
    while time.monotonic() < rec.stop_at:
        who, browser = rng.choice(accounts)
        await rec.call("learner /me/", browser, "GET", "/me/")
        page = await rec.call("presence form", browser, "GET", f"/me/confirm?lesson={who['lesson']}")
        token = TOKEN.search(page.text) if page is not None else None
        code = presence_code(secret, who["lesson"], clock.now())
        form = {"lesson": str(who["lesson"]), "code": code, "csrf_token": token.group(1) if token else ""}
        await rec.call("presence confirmation", browser, "POST", "/me/confirm", form, expect=(302,))


def _client_process(port: int, plan: list[tuple[str, Any, int]], secret: str, barrier: Any, warmup: float,
                    seconds: float, out: Any) -> None:
    """One client process: log its users in, wait for every process, drive them, report."""
    try:
        os.nice(-10)  # the client stands in for browsers on other machines: it should not wait for a core
    except OSError:
        pass

    async def main() -> dict[str, Any]:
        users = []
        for kind, who, seed in plan:
            if kind == "teacher":
                users.append((kind, (who, await _login(port, who["email"])), seed))
            else:
                users.append((kind, [(w, await _login(port, w["email"])) for w in who], seed))
        await asyncio.get_running_loop().run_in_executor(None, barrier.wait)
        began = time.monotonic()
        rec = Recorder(began + warmup, began + warmup + seconds)
        cpu: dict[str, float] = {}
        loop = asyncio.get_running_loop()
        loop.call_at(rec.measure_from, lambda: cpu.__setitem__("from", time.process_time()))
        loop.call_at(rec.stop_at, lambda: cpu.__setitem__("to", time.process_time()))
        tasks = []
        for kind, what, seed in users:
            if kind == "teacher":
                tasks.append(_teacher(what[0], what[1], rec, seed))
            else:
                tasks.append(_learner(what, secret, rec, seed))
        await asyncio.gather(*tasks)
        cpu.setdefault("to", time.process_time())
        return {"times": rec.times, "errors": rec.errors, "samples": rec.samples,
                "cpu": cpu["to"] - cpu.get("from", cpu["to"])}

    try:
        out.send(asyncio.run(main()))
    except BaseException as exc:  # the parent must hear of it, not wait for a barrier forever
        barrier.abort()
        out.send({"failed": f"{type(exc).__name__}: {exc}"})
        raise


# --------------------------------------------------------------------------- the worker's timings


def _server_lines(folder: Path, measure_from: float, stop_at: float) -> dict[str, list[tuple[float, ...]]]:
    """The worker's (wall, cpu, db ms, statements) per page, of requests that ended in the window."""
    lines: dict[str, list[tuple[float, ...]]] = defaultdict(list)
    for path in folder.glob("*.tsv"):
        for line in path.read_text().splitlines():
            method, url, _status, wall, cpu, db, statements, ended = line.split("\t")
            if not measure_from <= float(ended) <= stop_at:
                continue
            for verb, pattern, page in ROUTES:
                if verb == method and pattern.match(url):
                    lines[page].append((float(wall), float(cpu), float(db), float(statements)))
                    break
            else:
                lines[f"{method} {url}"].append((float(wall), float(cpu), float(db), float(statements)))
    return lines


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _report(args: argparse.Namespace, results: list[dict[str, Any]],
            server: dict[str, list[tuple[float, ...]]], cpu: dict[str, float], client_cpu: float,
            loads: tuple[float, float]) -> None:
    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    samples: dict[str, str] = {}
    for result in results:
        for page, values in result["times"].items():
            times[page] += values
        for page, count in result["errors"].items():
            errors[page] += count
        for page, sample in result["samples"].items():
            samples.setdefault(page, sample)
    total = sum(len(v) for v in times.values())
    n_teachers = (args.clients + 1) // 2
    print(f"\n{args.clients} clients ({n_teachers} teachers, {args.clients - n_teachers} learners) in "
          f"{args.client_processes} client process(es); gunicorn {args.workers} workers x {args.threads} "
          f"thread(s) ({'gthread' if args.threads > 1 else 'sync'}); PostgreSQL; "
          f"{args.seconds:.0f} s measured after {args.warmup:.0f} s of warm-up; "
          f"load average {loads[0]:.2f} before, {loads[1]:.2f} after "
          f"({os.cpu_count()} cores)")
    print("client: as the load client saw it; worker: the same page's requests inside the gunicorn worker "
          "(means); queue = client mean - worker mean")
    print("| page | requests | median ms | p95 ms | p99 ms | errors | worker ms | worker CPU ms | in DB ms "
          "| statements | queue ms |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    everything: list[float] = []
    every_server: list[tuple[float, ...]] = []
    for page in PAGES:
        values, lines = times.get(page, []), server.get(page, [])
        everything += values
        every_server += lines
        if values:
            print(_row(page, values, errors[page], lines))
    if everything:
        print(_row("all", everything, sum(errors.values()), every_server))
    for page in sorted(set(server) - set(PAGES)):
        print(f"(also in the worker's log: {page}, {len(server[page])} requests)")
    rps = total / args.seconds
    print(f"\nrequests per second: {rps:.1f} ({total} requests in {args.seconds:.0f} s, "
          f"{sum(errors.values())} errors)")
    if not total:
        return
    window = cpu["busy"] + cpu["idle"]
    other = cpu["busy"] - cpu["workers"] - cpu["master"] - cpu["pg_ours"] - cpu["pg_others"] - client_cpu
    parts = (("gunicorn workers", cpu["workers"]),
             ("  of which inside the app (hooks)", sum(x[1] for x in every_server) / 1000),
             ("gunicorn master", cpu["master"]),
             (f"PostgreSQL backends of {args.db}", cpu["pg_ours"]),
             ("PostgreSQL, other processes (background, other databases)", cpu["pg_others"]),
             ("load client", client_cpu),
             ("everything else on the machine", other),
             ("idle", cpu["idle"]),
             ("all cores", window))
    print(f"CPU per request (the machine's {window:.1f} core-seconds over the window, /proc):")
    print("| part | CPU s | ms per request | share of the cores |")
    print("|---|---|---|---|")
    for name, seconds in parts:
        print(f"| {name} | {seconds:.1f} | {seconds * 1000 / total:.2f} | {seconds / window:.0%} |")
    for page, sample in samples.items():
        print(f"first error on {page}: {sample}")


def _row(page: str, values: list[float], errors: int, lines: list[tuple[float, ...]]) -> str:
    wall, cpu, db, statements = (_mean([x[i] for x in lines]) for i in range(4))
    return (f"| {page} | {len(values)} | {statistics.median(values):.1f} | {_percentile(values, 0.95):.1f} | "
            f"{_percentile(values, 0.99):.1f} | {errors} | {wall:.1f} | {cpu:.1f} | {db:.1f} | "
            f"{statements:.1f} | {_mean(values) - wall:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (more than 1: gthread)")
    parser.add_argument("--client-processes", type=int, default=1)
    parser.add_argument("--port", type=int, default=8137)
    parser.add_argument("--db", default="inburgering_bench_web")
    parser.add_argument("--admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--reuse", action="store_true", help="keep the database and accounts of the last run")
    args = parser.parse_args()
    if not (1 <= args.clients <= 200 and 1 <= args.seconds <= 600 and 0 <= args.warmup <= 60
            and 1 <= args.workers <= 16 and 1 <= args.threads <= 16 and 1 <= args.client_processes <= 8):
        parser.error("bounded: 1-200 clients, 1-600 seconds, 0-60 s warm-up, 1-16 workers and threads, "
                     "1-8 client processes")
    url = args.admin_url.rsplit("/", 1)[0] + f"/{args.db}"
    cache = world_file(args.db)
    if args.reuse and cache.exists():
        world = json.loads(cache.read_text())
    else:
        built_at = clock.now()
        world = _seed(fresh_postgres(args.admin_url, args.db))
        world["now"] = built_at.isoformat()
        cache.write_text(json.dumps(world))
    secret = secrets.token_urlsafe(48)
    timing = Path(tempfile.mkdtemp(prefix="bench-web-timing-"))
    env = {**os.environ, "PORTAL_ENV": "production", "SECRET_KEY": secret, "DATABASE_URL": url,
           "PORTAL_INSTANCE_PATH": f"/tmp/{args.db}_instance", "LOGIN_RATE_LIMIT": "100000 per minute",
           "LOGIN_ACCOUNT_RATE_LIMIT": "100000 per minute", "PRESENCE_RATE_LIMIT": "100000 per minute",
           "BENCH_TIMING_DIR": str(timing)}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "bench/web/gunicorn_timing.py"),
         "--workers", str(args.workers), "--threads", str(args.threads), "--bind", f"127.0.0.1:{args.port}",
         "--log-level", "warning", "provider_portal:create_app()"], env=env, cwd=ROOT)
    processes = []
    try:
        _wait_until_up(args.port, server)
        counters = Counters(server.pid, _postmaster(url), args.db)
        n_teachers = (args.clients + 1) // 2
        n_learners = args.clients - n_teachers
        plans: list[list[tuple[str, Any, int]]] = [[] for _ in range(args.client_processes)]
        for i in range(args.clients):
            if i < n_teachers:
                item = ("teacher", world["teachers"][i % len(world["teachers"])], i)
            else:
                j = i - n_teachers
                item = ("learner", world["learners"][j::max(1, n_learners)][:8], 1000 + j)
            plans[i % args.client_processes].append(item)
        context = multiprocessing.get_context("fork")
        barrier = context.Barrier(args.client_processes + 1)
        pipes = []
        for plan in plans:
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_client_process, daemon=True, args=(
                args.port, plan, secret, barrier, args.warmup, args.seconds, send))
            process.start()
            processes.append(process)
            pipes.append(receive)
        print(f"logging in {args.clients} clients...", flush=True)
        barrier.wait(timeout=600)  # every client has logged in
        began = time.monotonic()
        time.sleep(args.warmup)
        before, load_before = counters.sample(), os.getloadavg()[0]
        time.sleep(max(0.0, began + args.warmup + args.seconds - time.monotonic()))
        after, load_after = counters.sample(), os.getloadavg()[0]
        results = [pipe.recv() for pipe in pipes]
        for process in processes:
            process.join(timeout=60)
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
        server.terminate()
        server.wait(timeout=60)
    failed = [r["failed"] for r in results if "failed" in r]
    if failed:
        raise SystemExit(f"a client process failed: {failed[0]}")
    server_lines = _server_lines(timing, began + args.warmup, began + args.warmup + args.seconds)
    _report(args, results, server_lines, Counters.delta(before, after), sum(r["cpu"] for r in results),
            (load_before, load_after))


def _wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    async def probe() -> bool:
        try:
            await Browser(port).get("/login")
            return True
        except OSError:
            return False

    for _ in range(240):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn ended with {server.returncode}")
        if asyncio.run(probe()):
            return
        time.sleep(0.5)
    raise SystemExit("gunicorn did not answer within 120 s")


if __name__ == "__main__":
    main()
