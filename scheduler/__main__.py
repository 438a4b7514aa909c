"""`python -m scheduler sessions|exams <command> ...`: dispatch to each solver's own CLI."""

from __future__ import annotations

import importlib
import sys

SOLVERS = {"sessions": "scheduler.sessions.cli", "exams": "scheduler.exams.cli"}


def main(argv: list[str] | None = None) -> int:
    """Route to the solver named first; each solver module exposes `main(argv) -> int`."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in SOLVERS:
        sys.stderr.write("usage: python -m scheduler {sessions,exams} {generate,solve,check,greedy} ...\n")
        return 2
    module = importlib.import_module(SOLVERS[args[0]])
    return int(module.main(args[1:]))


if __name__ == "__main__":
    sys.exit(main())
