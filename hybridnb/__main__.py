"""``python -m hybridnb``: the command line."""

import sys

from .ui.cli import console_main

if __name__ == "__main__":
    sys.exit(console_main())
