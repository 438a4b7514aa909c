"""Entry point of `python -m billing`."""

import sys

from billing.cli import main

if __name__ == "__main__":
    sys.exit(main())
