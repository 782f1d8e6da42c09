"""`python -m bot <command>`: the command line is in bot/cli/."""

import os
import sys

from bot.cli.main import main

if __name__ == "__main__":
    os.environ.setdefault("PYTHONUTF8", "1")
    sys.exit(main())
