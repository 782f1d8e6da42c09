"""`python -m bot sandbox`."""

from __future__ import annotations

import argparse

from bot.config import Settings
from bot.devtools.sandbox import run_sandbox


async def run(settings: Settings, args: argparse.Namespace | None = None) -> int:
    await run_sandbox(settings)
    return 0
