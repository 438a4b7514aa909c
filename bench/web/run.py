"""Load benchmark of the production set-up: gunicorn workers on PostgreSQL, many users at once.

    .venv/bin/python bench/web/run.py                        # build, 20 clients for 60 s
    .venv/bin/python bench/web/run.py --clients 20 --seconds 120 --workers 4
    .venv/bin/python bench/web/run.py --reuse                # keep the database of the last run

What it does, bounded in clients, time and address (127.0.0.1 only):
1. a fresh PostgreSQL database (`--db`, dropped first), migrated, filled by
   `bench.attendance.build` (2,000 learners, 120 classes, a year of registers), plus teacher and
   learner accounts and a lesson in progress now for 20 classes (for presence confirmation);
2. gunicorn (`--workers`) with `PORTAL_ENV=production` on that database, as the README runs it;
3. `--clients` closed-loop clients (threads, no think time), half teachers and half learners, each
   logged in once through the real form: a teacher opens a register, saves it (every third visit),
   opens the learner list and a learner's page; a learner opens `/me/` and confirms presence with
   the lesson's current code.
It prints per page the count, median, p95 and p99 in ms and the errors, then the requests per
second over the mix and the CPU milliseconds per request spent by the gunicorn workers (from
/proc). The figures belong in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.attendance.build import build  # noqa: E402
from bench.databases import fresh_postgres  # noqa: E402
from provider_portal import clock  # noqa: E402
from provider_portal.attendance.codes import presence_code  # noqa: E402
from provider_portal.migrate import upgrade  # noqa: E402
from provider_portal.models import ClassTeacher, Enrolment, Lesson, User  # noqa: E402

PASSWORD = "bench-web-password"
TEACHERS, LIVE_CLASSES = 12, 20
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
VERSION = re.compile(r'name="version"[^>]*value="(-?\d+)"')


class LoopbackSession(requests.Session):
    """Sends the production's Secure cookies to 127.0.0.1 over plain HTTP, as the TLS proxy would
    (requests copies the jar for every request, so the flag is cleared on the jar itself)."""

    def send(self, request: Any, **kwargs: Any) -> requests.Response:
        response = super().send(request, **kwargs)
        for cookie in self.cookies:
            cookie.secure = False
        return response


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
    engine.dispose()
    learners = list({x["learner_id"]: x for x in learners}.values())
    print(f"seeded in {time.perf_counter() - started:.0f} s: {len(learner_ids)} learners, "
          f"{len(world['lessons'])} lessons, {TEACHERS} teachers, {len(learners)} learner accounts, "
          f"{len(live)} lessons in progress", flush=True)
    return {"teachers": teachers, "learners": learners}


def _worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def _cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: dict[str, str] = {}

    def call(self, page: str, session: requests.Session, method: str, url: str, **kwargs: Any
             ) -> requests.Response | None:
        ok = (200, 302)
        began = time.perf_counter()
        try:
            response = session.request(method, url, timeout=30, allow_redirects=False, **kwargs)
            status, body = response.status_code, response.text[:300]
        except requests.RequestException as exc:
            response, status, body = None, 0, str(exc)
        ms = (time.perf_counter() - began) * 1000
        with self.lock:
            self.times[page].append(ms)
            if status not in ok:
                self.errors[page] += 1
                self.samples.setdefault(page, f"HTTP {status}: {body}")
        return response


def _login(base: str, email: str) -> requests.Session:
    session = LoopbackSession()
    page = session.get(f"{base}/login", timeout=30)
    token = TOKEN.search(page.text)
    response = session.post(f"{base}/login", data={"email": email, "password": PASSWORD,
                                                    "csrf_token": token.group(1) if token else ""},
                            allow_redirects=False, timeout=30)
    if response.status_code != 302:
        raise SystemExit(f"log-in of {email} failed: HTTP {response.status_code}")
    return session


def _teacher(base: str, who: dict[str, Any], session: requests.Session, rec: Recorder, stop: Any,
             seed: int) -> None:
    rng, visits = random.Random(seed), 0
    lessons = who["lessons"]
    while time.monotonic() < stop():
        lesson = rng.choice(lessons)
        page = rec.call("register page", session, "GET", f"{base}/lessons/{lesson}")
        visits += 1
        if page is not None and visits % 3 == 0 and time.monotonic() < stop():
            token, version = TOKEN.search(page.text), VERSION.search(page.text)
            learners = sorted(set(re.findall(r'name="status-(\d+)"', page.text)))
            data = {"csrf_token": token.group(1) if token else "",
                    "version": version.group(1) if version else "0"}
            for lid in learners:
                data[f"status-{lid}"] = rng.choice(("present", "present", "late", "absent"))
                data[f"minutes-{lid}"] = ""
            rec.call("register save", session, "POST", f"{base}/lessons/{lesson}", data=data)
        if time.monotonic() >= stop():
            break
        rec.call("learner list", session, "GET", f"{base}/learners/?page={rng.randint(1, 5)}")
        learner = rng.choice(who["learners"])
        rec.call("learner page", session, "GET", f"{base}/learners/{learner}")


def _learner(base: str, sessions: list[tuple[dict[str, Any], requests.Session]], secret: str, rec: Recorder,
             stop: Any, seed: int) -> None:
    rng = random.Random(seed)
    while time.monotonic() < stop():
        who, session = rng.choice(sessions)
        rec.call("learner /me/", session, "GET", f"{base}/me/")
        page = session.get(f"{base}/me/confirm?lesson={who['lesson']}", timeout=30)
        token = TOKEN.search(page.text)
        code = presence_code(secret, who["lesson"], clock.now())
        rec.call("presence confirmation", session, "POST", f"{base}/me/confirm",
                 data={"lesson": who["lesson"], "code": code, "csrf_token": token.group(1) if token else ""})


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8137)
    parser.add_argument("--db", default="inburgering_bench_web")
    parser.add_argument("--admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--reuse", action="store_true", help="keep the database and accounts of the last run")
    args = parser.parse_args()
    if not 1 <= args.clients <= 200 or not 1 <= args.seconds <= 600 or not 1 <= args.workers <= 16:
        parser.error("bounded: 1-200 clients, 1-600 seconds, 1-16 workers")
    url = args.admin_url.rsplit("/", 1)[0] + f"/{args.db}"
    cache = Path(f"/tmp/{args.db}.world.json")
    if args.reuse and cache.exists():
        import json
        world = json.loads(cache.read_text())
    else:
        import json
        world = _seed(fresh_postgres(args.admin_url, args.db))
        cache.write_text(json.dumps(world))
    secret = secrets.token_urlsafe(48)
    env = {**os.environ, "PORTAL_ENV": "production", "SECRET_KEY": secret, "DATABASE_URL": url,
           "PORTAL_INSTANCE_PATH": f"/tmp/{args.db}_instance", "LOGIN_RATE_LIMIT": "100000 per minute",
           "LOGIN_ACCOUNT_RATE_LIMIT": "100000 per minute", "PRESENCE_RATE_LIMIT": "100000 per minute"}
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"),
         "--workers", str(args.workers), "--bind", f"127.0.0.1:{args.port}",
         "--log-level", "warning", "provider_portal:create_app()"], env=env, cwd=ROOT)
    try:
        for _ in range(120):
            try:
                requests.get(f"{base}/login", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.5)
        teachers = world["teachers"]
        learners = world["learners"]
        n_teachers = (args.clients + 1) // 2
        n_learners = args.clients - n_teachers
        rec = Recorder()
        # Log everyone in before the clock starts (log-in costs a deliberate scrypt, not measured here).
        stop_after = args.seconds
        threads: list[threading.Thread] = []
        ready = threading.Barrier(args.clients + 1)
        print(f"logging in {args.clients} clients...", flush=True)
        stop_box = {"at": 0.0}

        def stop() -> float:
            return stop_box["at"]

        def run_teacher(i: int) -> None:
            who = teachers[i % len(teachers)]
            session = _login(base, who["email"])
            ready.wait()
            _teacher(base, who, session, rec, stop, i)

        def run_learner(i: int) -> None:
            sessions = [(who, _login(base, who["email"])) for who in learners[i::max(1, n_learners)][:8]]
            ready.wait()
            _learner(base, sessions, secret, rec, stop, 1000 + i)

        for i in range(n_teachers):
            threads.append(threading.Thread(target=run_teacher, args=(i,), daemon=True))
        for i in range(n_learners):
            threads.append(threading.Thread(target=run_learner, args=(i,), daemon=True))
        for thread in threads:
            thread.start()
        stop_box["at"] = float("inf")
        ready.wait(timeout=600)  # every client has logged in
        pids = _worker_pids(server.pid)
        cpu_before, began = _cpu_seconds(pids), time.monotonic()
        stop_box["at"] = began + stop_after
        for thread in threads:
            thread.join(timeout=stop_after + 120)
        elapsed = time.monotonic() - began
        cpu = _cpu_seconds(pids) - cpu_before
    finally:
        server.terminate()
        server.wait(timeout=30)
    total = sum(len(v) for v in rec.times.values())
    print(f"\n{args.clients} clients ({n_teachers} teachers, {n_learners} learners), {args.workers} gunicorn "
          f"workers, PostgreSQL, {elapsed:.0f} s")
    print(f"{'page':<24}{'requests':>9}{'median ms':>11}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    everything: list[float] = []
    for page in ("register page", "register save", "learner list", "learner page", "learner /me/",
                 "presence confirmation"):
        values = rec.times.get(page, [])
        everything += values
        if values:
            print(f"{page:<24}{len(values):>9}{statistics.median(values):>11.1f}"
                  f"{_percentile(values, 0.95):>9.1f}{_percentile(values, 0.99):>9.1f}{rec.errors[page]:>8}")
    if everything:
        print(f"{'all':<24}{total:>9}{statistics.median(everything):>11.1f}"
              f"{_percentile(everything, 0.95):>9.1f}{_percentile(everything, 0.99):>9.1f}"
              f"{sum(rec.errors.values()):>8}")
    print(f"requests per second: {total / elapsed:.1f}")
    print(f"worker CPU per request: {cpu * 1000 / max(total, 1):.1f} ms")
    for page, sample in rec.samples.items():
        print(f"first error on {page}: {sample}")


if __name__ == "__main__":
    main()
