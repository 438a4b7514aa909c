"""gunicorn config of the load benchmark: the production settings (`gunicorn.conf.py`) plus hooks
that time every request inside the worker, so `run.py` can say where a request's time went.

Per request the worker records its wall time from `pre_request` to `post_request` (the app and
writing the response), its own CPU time (`time.process_time`: a sync worker has one thread), the
wall time spent inside the database driver's `execute` (SQLAlchemy's cursor events on every
engine: round trip plus PostgreSQL's work; the pool's pre-ping and COMMIT are not cursor
statements and count as time outside it), the number of statements, and the moment it ended
(`time.monotonic()`, the clock `run.py` keeps its measured window in). The lines go to
`$BENCH_TIMING_DIR/<pid>.tsv`, written when the worker exits (gunicorn's `worker_exit`, also when it
is replaced after `max_requests`) and every 2,000 requests, so the hooks cost next to nothing while
the clock runs.
"""

from __future__ import annotations

import os
import runpy
import time
from pathlib import Path
from typing import Any

_production = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
globals().update({k: v for k, v in _production.items() if not k.startswith("_") and k != "annotations"})

_DIR = os.environ.get("BENCH_TIMING_DIR", "")
_lines: list[str] = []
_now: dict[str, float] = {"wall": 0.0, "cpu": 0.0, "db": 0.0, "statements": 0, "began": 0.0}


def post_fork(server: Any, worker: Any) -> None:  # noqa: ARG001 - gunicorn's hook signature
    import sqlalchemy as sa

    def before(*_args: Any) -> None:
        _now["began"] = time.perf_counter()

    def after(*_args: Any) -> None:
        _now["db"] += time.perf_counter() - _now["began"]
        _now["statements"] += 1

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", before)
    sa.event.listen(sa.engine.Engine, "after_cursor_execute", after)


def pre_request(worker: Any, req: Any) -> None:  # noqa: ARG001
    _now.update(wall=time.perf_counter(), cpu=time.process_time(), db=0.0, statements=0)


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:  # noqa: ARG001
    wall, cpu = time.perf_counter() - _now["wall"], time.process_time() - _now["cpu"]
    status = getattr(resp, "status_code", None) or 0
    _lines.append(f"{req.method}\t{req.path}\t{status}\t{wall * 1000:.3f}\t{cpu * 1000:.3f}\t"
                  f"{_now['db'] * 1000:.3f}\t{_now['statements']}\t{time.monotonic():.4f}\n")
    if len(_lines) >= 2000:
        _flush()


def worker_exit(server: Any, worker: Any) -> None:  # noqa: ARG001
    _flush()


def _flush() -> None:
    if _DIR and _lines:
        with open(Path(_DIR) / f"{os.getpid()}.tsv", "a", encoding="utf-8") as out:
            out.writelines(_lines)
    _lines.clear()
