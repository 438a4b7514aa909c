"""Run one job in a spawned subprocess under a CPU limit (the solvers).

A fresh interpreter (multiprocessing's 'spawn', never 'fork' from the threaded jobs process)
runs the handler with its own database engine; progress and cancellation still go through the
job row. The child caps its CPU time with RLIMIT_CPU and exits as soon as its parent is gone, so
a killed jobs process leaves no solver burning CPU behind it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
from multiprocessing.connection import Connection
from typing import Any

from provider_portal.jobs.context import JobContext
from provider_portal.models.enums import JobStatus

log = logging.getLogger(__name__)
Outcome = tuple[str, dict[str, Any] | None, str | None]

_CHILDREN: set[multiprocessing.process.BaseProcess] = set()  # solver processes running now
CPU_LIMIT = "The run used its whole CPU allowance of %(seconds)s seconds and was stopped."
CRASHED = "The run's process ended unexpectedly (exit code %(code)s)."


def run_isolated(ctx: JobContext, cpu_seconds: int | None) -> Outcome:
    """Run `ctx`'s handler in a spawned child and return its outcome (a crash becomes FAILED)."""
    spawn = multiprocessing.get_context("spawn")
    receive, send = spawn.Pipe(duplex=False)
    url = ctx.engine.url.render_as_string(hide_password=False)
    child = spawn.Process(target=_child, name=f"job-{ctx.job_id}",
                          args=(url, ctx.job_id, ctx.kind, ctx.params, ctx.provider_id, cpu_seconds,
                                os.getpid(), send, ctx.solver_threads))
    child.start()
    _CHILDREN.add(child)
    send.close()
    outcome: Outcome | None = None
    try:
        outcome = receive.recv()
    except EOFError:  # the child died without an answer
        pass
    child.join()
    _CHILDREN.discard(child)
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
           cpu_seconds: int | None, parent_pid: int, send: Connection, solver_threads: int = 2) -> None:
    """The spawned process: limit CPU, watch the parent, run the handler, send the outcome back."""
    if cpu_seconds:
        import resource

        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()
    from provider_portal.db import make_engine
    from provider_portal.jobs.queue import _execute

    engine = make_engine(url)
    try:
        send.send(_execute(JobContext(engine, job_id, kind, params, provider_id, solver_threads)))
    finally:
        send.close()
        engine.dispose()


def _exit_with_parent(parent_pid: int) -> None:
    """Leave at once when the jobs process is gone (killed): nobody would record the result."""
    while os.getppid() == parent_pid:
        threading.Event().wait(1.0)
    os._exit(1)
