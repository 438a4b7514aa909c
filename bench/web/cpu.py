"""CPU per request, in-process: what each page of the load benchmark's mix costs the web worker.

    .venv/bin/python bench/web/cpu.py --db inburgering_bench_cpu              # build, then measure
    .venv/bin/python bench/web/cpu.py --db inburgering_bench_cpu --reuse      # keep the database
    .venv/bin/python bench/web/cpu.py --reuse --compare main                  # before/after, one run
    .venv/bin/python bench/web/cpu.py --reuse --profile "learner page"        # cProfile's top functions

The load benchmark (`run.py`) measures wall time through gunicorn, which a machine shared with
other work makes noisy. This one measures what a worker spends: it builds the same PostgreSQL
database once (`run.py`'s seed: `bench/attendance/build.py`'s 2,000 learners, 120 classes and a year
of registers, plus teachers, learner accounts and lessons in progress), then, in a fresh process
with `PORTAL_ENV=production` and the portal clock frozen at the moment the data was built, logs a
teacher and learners in through the real form (CSRF on, Secure cookies over https) and sends each
page of the mix `--requests` times through the Flask test client. Per page it prints the CPU
milliseconds per request (`time.process_time`, the process's own CPU, so other work on the machine
inflates it far less than wall time), the SQL statements per request, and the wall time.

`--compare REF` exports the code of a git revision (`git archive`) to /tmp and measures it and this
tree in alternating rounds on the same database, printing both and their ratio. (It is not called
profile.py: that name would shadow the standard library's `profile`, which cProfile imports.)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PAGES = ("register page", "register save", "learner list", "learner page", "learner /me/",
         "presence form", "presence confirmation")
PASSWORD = "bench-web-password"  # run.py's
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
WORKER_SECRET = "bench-cpu-secret-" + "x" * 40


# --------------------------------------------------------------------------- the parent: build, compare


def _build(admin_url: str, db: str, reuse: bool) -> Path:
    """The seeded database and its world file (teachers, learners, lessons, the moment of the build)."""
    sys.path.insert(0, str(ROOT))
    from bench.databases import fresh_postgres
    from bench.web.run import _seed, world_file

    cache = world_file(db)  # run.py's: either benchmark can reuse the other's build
    if reuse and cache.exists():
        return cache
    from provider_portal import clock

    built_at = clock.now()
    world = _seed(fresh_postgres(admin_url, db))
    world["now"] = built_at.isoformat()
    cache.write_text(json.dumps(world))
    return cache


def _export(ref: str) -> Path:
    """The code of `ref` in a folder of its own (git archive: no checkout, no work tree touched)."""
    sha = subprocess.run(["git", "rev-parse", "--short", ref], cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout.strip()
    target = Path(tempfile.gettempdir()) / f"bench-cpu-{sha}"
    if not (target / "provider_portal").exists():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", sha], cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def _measure(code: Path, url: str, world: Path, requests: int, profile: str | None = None) -> dict[str, Any]:
    """One worker process measuring every page on the code in `code`."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", str(code), "--url", url,
               "--world", str(world), "--requests", str(requests)]
    if profile:
        command += ["--profile", profile]
    done = subprocess.run(command, capture_output=True, text=True, cwd=code)
    if done.returncode:
        raise SystemExit(f"the measurement of {code} failed:\n{done.stderr[-3000:]}{done.stdout[-2000:]}")
    if profile:
        print(done.stdout)
        return {}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _summary(runs: list[dict[str, Any]], page: str) -> tuple[float, float, float]:
    """(CPU ms, statements, wall ms) per request: the median over all requests of all rounds."""
    cpu = [x for run in runs for x in run[page]["cpu"]]
    statements = [x for run in runs for x in run[page]["statements"]]
    wall = [x for run in runs for x in run[page]["wall"]]
    return statistics.median(cpu), statistics.median(statements), statistics.median(wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="inburgering_bench_cpu")
    parser.add_argument("--admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--reuse", action="store_true", help="keep the database of the last build")
    parser.add_argument("--requests", type=int, default=30, help="requests per page and round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds per tree (alternating)")
    parser.add_argument("--compare", metavar="REF", help="also measure this git revision, e.g. main")
    parser.add_argument("--profile", metavar="PAGE", choices=PAGES, help="cProfile one page instead")
    parser.add_argument("--worker", metavar="CODE", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--world", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not 1 <= args.requests <= 500 or not 1 <= args.rounds <= 10:
        parser.error("bounded: 1-500 requests per page, 1-10 rounds")
    if args.worker:
        _worker(Path(args.worker), args.url, Path(args.world), args.requests, args.profile)
        return
    world = _build(args.admin_url, args.db, args.reuse)
    url = args.admin_url.rsplit("/", 1)[0] + f"/{args.db}"
    if args.profile:
        _measure(ROOT, url, world, args.requests, args.profile)
        return
    trees = {"this tree": ROOT}
    if args.compare:
        trees = {args.compare: _export(args.compare), **trees}
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
    for _round in range(args.rounds):
        for name, code in trees.items():
            results[name].append(_measure(code, url, world, args.requests))
    load = os.getloadavg()[0]
    print(f"{args.requests} requests per page x {args.rounds} rounds, PostgreSQL, median per request; "
          f"load average {load:.1f} on {os.cpu_count()} cores")
    names = list(trees)
    head = "| page |" + "".join(f" CPU ms {n} | statements {n} |" for n in names)
    if len(names) == 2:
        head += " CPU after/before |"
    print(head)
    print("|---" * (1 + 2 * len(names) + (len(names) == 2)) + "|")
    totals = {name: 0.0 for name in names}
    for page in PAGES:
        line = f"| {page} |"
        figures = {}
        for name in names:
            cpu, statements, _wall = _summary(results[name], page)
            figures[name] = cpu
            totals[name] += cpu
            line += f" {cpu:.1f} | {statements:.0f} |"
        if len(names) == 2:
            line += f" {figures[names[1]] / figures[names[0]]:.2f} |"
        print(line)
    line = f"| mean of the {len(PAGES)} pages |" + "".join(f" {totals[n] / len(PAGES):.1f} | |"
                                                           for n in names)
    if len(names) == 2:
        line += f" {totals[names[1]] / totals[names[0]]:.2f} |"
    print(line)


# --------------------------------------------------------------------------- the worker: one code tree


def _worker(code: Path, url: str, world_file: Path, requests: int, profile: str | None) -> None:
    sys.path.insert(0, str(code))
    os.environ.update({
        "PORTAL_ENV": "production", "SECRET_KEY": WORKER_SECRET, "DATABASE_URL": url,
        "PORTAL_INSTANCE_PATH": tempfile.mkdtemp(prefix="bench-cpu-"),
        "LOGIN_RATE_LIMIT": "100000 per minute", "LOGIN_ACCOUNT_RATE_LIMIT": "100000 per minute",
        "PRESENCE_RATE_LIMIT": "100000 per minute",
    })
    import random

    import sqlalchemy as sa

    from provider_portal import clock, create_app
    from provider_portal.attendance.codes import presence_code
    from provider_portal.models import Lesson

    world = json.loads(world_file.read_text())
    frozen = datetime.fromisoformat(world["now"])
    clock.now = lambda: frozen  # the lessons in progress are in progress at the moment of the build
    app = create_app()
    engine = app.extensions["db_engine"]
    counter = [0]
    sa.event.listen(engine, "before_cursor_execute", lambda *_a: counter.__setitem__(0, counter[0] + 1))
    rng = random.Random(7)

    def client_for(email: str, form_page: str) -> Any:
        client = app.test_client()
        client.environ_base["HTTP_REFERER"] = "https://localhost/"  # Flask-WTF checks it over https
        page = client.get("/login", base_url="https://localhost")
        token = TOKEN.search(page.get_data(as_text=True))
        response = client.post("/login", base_url="https://localhost", data={
            "email": email, "password": PASSWORD, "csrf_token": token.group(1) if token else ""})
        if response.status_code != 302:
            raise SystemExit(f"log-in of {email} failed: HTTP {response.status_code}")
        form = client.get(form_page, base_url="https://localhost")  # the session's CSRF token, for the posts
        client.csrf = TOKEN.search(form.get_data(as_text=True)).group(1)  # type: ignore[attr-defined]
        return client

    teacher = world["teachers"][0]
    staff = client_for(teacher["email"], f"/lessons/{teacher['lessons'][0]}")
    learners = [(who, client_for(who["email"], f"/me/confirm?lesson={who['lesson']}"))
                for who in world["learners"][:10]]

    def version(lesson_id: int) -> int:
        with engine.connect() as conn:
            return int(conn.execute(sa.select(Lesson.version).where(Lesson.id == lesson_id)).scalar_one())

    def grid(lesson_id: int) -> dict[str, str]:
        html = staff.get(f"/lessons/{lesson_id}", base_url="https://localhost").get_data(as_text=True)
        return {f"status-{lid}": "" for lid in sorted(set(re.findall(r'name="status-(\d+)"', html)))}

    grids = {lesson: grid(lesson) for lesson in teacher["lessons"][:5]}

    def request(page: str, n: int) -> tuple[Any, str, dict[str, Any]]:
        """(client, method and path, keyword arguments) of the n-th request of a page."""
        if page == "register page":
            return staff, f"GET /lessons/{teacher['lessons'][n % len(teacher['lessons'])]}", {}
        if page == "register save":
            lesson = list(grids)[n % len(grids)]
            data = {"csrf_token": staff.csrf, "version": str(version(lesson))}
            for key in grids[lesson]:
                data[key] = rng.choice(("present", "present", "late", "absent"))
                data["minutes-" + key.removeprefix("status-")] = ""
            return staff, f"POST /lessons/{lesson}", {"data": data}
        if page == "learner list":
            return staff, f"GET /learners/?page={1 + n % 5}", {}
        if page == "learner page":
            return staff, f"GET /learners/{teacher['learners'][n % len(teacher['learners'])]}", {}
        who, client = learners[n % len(learners)]
        if page == "learner /me/":
            return client, "GET /me/", {}
        if page == "presence form":
            return client, f"GET /me/confirm?lesson={who['lesson']}", {}
        code = presence_code(WORKER_SECRET, who["lesson"], frozen)
        return client, "POST /me/confirm", {"data": {"lesson": who["lesson"], "code": code,
                                                     "csrf_token": client.csrf}}

    def send(page: str, n: int) -> tuple[float, int, float]:
        client, what, kwargs = request(page, n)
        method, path = what.split(" ", 1)
        counter[0] = 0
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.open(path, method=method, base_url="https://localhost", **kwargs)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if response.status_code not in (200, 302):
            raise SystemExit(f"{page}: {what} answered {response.status_code}: "
                             f"{response.get_data(as_text=True)[:500]}")
        return cpu * 1000, counter[0], wall * 1000

    for page in PAGES:  # warm up: templates compiled, caches filled
        for n in range(3):
            send(page, n)
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile(time.process_time)  # CPU, not the wait on PostgreSQL
        profiler.enable()
        for n in range(requests):
            send(profile, n)
        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stdout)
        print(f"{profile}: {requests} requests")
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(40)
        return
    out: dict[str, dict[str, list[float]]] = {}
    for page in PAGES:
        samples = [send(page, n) for n in range(requests)]
        out[page] = {"cpu": [s[0] for s in samples], "statements": [s[1] for s in samples],
                     "wall": [s[2] for s in samples]}
    engine.dispose()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
