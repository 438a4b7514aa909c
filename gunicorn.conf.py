"""gunicorn's production settings for the portal (README, "Production"; docs/benchmarks.md, issue 17).

gunicorn reads this file from the directory it starts in, or from `-c gunicorn.conf.py`:

    .venv/bin/gunicorn -c gunicorn.conf.py 'provider_portal:create_app()'

A request spends most of its time in Python (20-30 ms of CPU, measured on a loaded machine) and
a little waiting on PostgreSQL, so synchronous workers, about two per core, keep the cores busy
without queueing requests behind one another; more workers than that only add memory and context
switches on a small machine where PostgreSQL shares the cores. Every setting can be overridden from the
environment (WEB_WORKERS, WEB_THREADS, WEB_BIND, WEB_TIMEOUT) or on the command line.
"""

from __future__ import annotations

import os

_cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", str(2 * _cores)))
# Threads help only while requests wait on the database; with more than one, gunicorn uses gthread.
threads = int(os.environ.get("WEB_THREADS", "1"))
# A request over this is killed (the worker is replaced): uploads and exports stay well under it.
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5  # behind nginx or Caddy, which keep connections to gunicorn open
# Replace a worker now and then, so a slow leak in a library never grows without bound.
max_requests = 5000
max_requests_jitter = 500
# No preload: each worker builds its own app, so no database connection is ever shared across a fork.
preload_app = False
