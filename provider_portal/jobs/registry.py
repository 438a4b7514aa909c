"""Job kinds and their handlers. A handler gets a JobContext and returns a JSON-able result.

Each kind also says how the jobs process treats it: `retry` kinds are idempotent, so a run lost
with a dead jobs process is queued again (up to JOBS_MAX_ATTEMPTS); `isolate` kinds (the CPU-bound
solvers) run in a subprocess under a CPU limit, so they never hold up the other workers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from provider_portal.jobs.context import JobContext

Handler = Callable[["JobContext"], dict[str, Any]]
HANDLERS: dict[str, Handler] = {}


@dataclass(frozen=True)
class KindOptions:
    """How the jobs process runs one kind."""

    retry: bool = False
    isolate: bool = False


OPTIONS: dict[str, KindOptions] = {}


def job_handler(kind: str, *, retry: bool = False, isolate: bool = False) -> Callable[[Handler], Handler]:
    """Register `fn` as the handler of `kind` (one handler per kind)."""

    def register(fn: Handler) -> Handler:
        if kind in HANDLERS:
            raise ValueError(f"job kind {kind!r} already has a handler")
        HANDLERS[kind] = fn
        OPTIONS[kind] = KindOptions(retry=retry, isolate=isolate)
        return fn

    return register


def options_for(kind: str) -> KindOptions:
    """The kind's options (the defaults for a kind without any)."""
    return OPTIONS.get(kind, KindOptions())
