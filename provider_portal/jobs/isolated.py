"""Run one job in a child process under a CPU limit (the solvers).

The child comes from a fork server (multiprocessing's 'forkserver', never 'fork' from the threaded
jobs process): a clean single-threaded process, started once by the jobs process, that has already
imported the portal, the solver cores, OR-Tools and HiGHS (`PRELOAD`), and forks one child per run.
So a run starts in a fraction of a second instead of paying a fresh interpreter's seconds of
imports. The child runs the handler with its own database engine; progress and cancellation still
go through the job row. It caps its CPU time with RLIMIT_CPU and exits as soon as the jobs process
is gone: it watches a pipe whose other end only the jobs process holds (its parent is the fork
server, so the parent's pid says nothing), and the fork server itself ends with the jobs process.
So a killed jobs process leaves no solver burning CPU behind it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from typing import Any

from provider_portal.jobs.context import JobContext
from provider_portal.models.enums import JobStatus

log = logging.getLogger(__name__)
Outcome = tuple[str, dict[str, Any] | None, str | None]

_CHILDREN: set[multiprocessing.process.BaseProcess] = set()  # solver processes running now
CPU_LIMIT = "The run used its whole CPU allowance of %(seconds)s seconds and was stopped."
CRASHED = "The run's process ended unexpectedly (exit code %(code)s)."
# What the fork server imports once, so that no run imports it again (a missing module is skipped).
PRELOAD = [
    "provider_portal.jobs.isolated",
    "provider_portal.jobs.handlers",
    "provider_portal.planning.sessions_run",
    "provider_portal.exams.run",
    "scheduler.exams.validate",
    "scheduler.exams.options",
    "scheduler.exams.result",
    "sqlalchemy.dialects.postgresql.psycopg",
    "sqlalchemy.dialects.sqlite.pysqlite",
    "resource",
]
_LOCK = threading.Lock()
_CONTEXT: ForkServerContext | None = None


def solver_context() -> ForkServerContext:
    """The fork server's context, its preload set once per process."""
    global _CONTEXT
    with _LOCK:
        if _CONTEXT is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            _CONTEXT = context
        return _CONTEXT


def start_server(wait: bool = False) -> None:
    """Start the fork server now (the jobs process at its start), so the first run finds the imports
    done; with `wait`, return once it has imported everything and forked a first child."""
    context = solver_context()
    from multiprocessing import forkserver

    forkserver.ensure_running()
    if wait:
        probe = context.Process(target=_ready, name="solver-warm-up")
        probe.start()
        probe.join()


def _ready() -> None:
    """A child that only proves the fork server answers."""


def run_isolated(ctx: JobContext, cpu_seconds: int | None) -> Outcome:
    """Run `ctx`'s handler in a child of the fork server and return its outcome (a crash becomes FAILED)."""
    context = solver_context()
    receive, send = context.Pipe(duplex=False)
    watch, alive = context.Pipe(duplex=False)  # `alive` stays here: its end tells the child we are gone
    url = ctx.engine.url.render_as_string(hide_password=False)
    child = context.Process(target=_child, name=f"job-{ctx.job_id}",
                            args=(url, ctx.job_id, ctx.kind, ctx.params, ctx.provider_id, cpu_seconds,
                                  watch, send, ctx.solver_threads))
    try:
        child.start()
        _CHILDREN.add(child)
        send.close()
        watch.close()
        outcome: Outcome | None = None
        try:
            outcome = receive.recv()
        except EOFError:  # the child died without an answer
            pass
        child.join()
    finally:
        _CHILDREN.discard(child)
        receive.close()
        alive.close()
    if outcome is not None:
        return outcome
    code = child.exitcode
    if cpu_seconds and code in (-signal.SIGXCPU, -signal.SIGKILL):
        return JobStatus.FAILED, None, CPU_LIMIT % {"seconds": cpu_seconds}
    return JobStatus.FAILED, None, CRASHED % {"code": code}


def stop_children(seconds: float = 5.0) -> None:
    """Stop the solver processes still running (the jobs process is stopping): SIGTERM, then SIGKILL."""
    children = list(_CHILDREN)
    for child in children:
        child.terminate()
    for child in children:
        child.join(seconds)
        if child.is_alive():
            child.kill()
            child.join(seconds)


def _child(url: str, job_id: int, kind: str, params: dict[str, Any], provider_id: int | None,
           cpu_seconds: int | None, watch: Connection, send: Connection, solver_threads: int = 2) -> None:
    """The solver process: limit CPU, watch the jobs process, run the handler, send the outcome back
    (a solver run's result also says how much CPU the process used, `cpu_seconds`)."""
    if cpu_seconds:
        import resource

        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    threading.Thread(target=_exit_with_parent, args=(watch,), daemon=True).start()
    from provider_portal.db import make_engine
    from provider_portal.jobs.queue import _execute

    engine = make_engine(url)
    try:
        context = JobContext(engine, job_id, kind, params, provider_id, solver_threads)
        status, result, error = _execute(context)
        if isinstance(result, dict):
            result = {**result, "cpu_seconds": round(time.process_time(), 3)}
        send.send((status, result, error))
    finally:
        send.close()
        engine.dispose()


def _exit_with_parent(watch: Connection) -> None:
    """Leave at once when the jobs process is gone (killed): nobody would record the result. The
    jobs process never writes to `watch`; it ends when the jobs process closes its end or dies."""
    try:
        watch.recv_bytes()
    except (EOFError, OSError):
        pass
    os._exit(1)
