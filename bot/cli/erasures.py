"""`python -m bot erasures`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.cli.common import open_database
from bot.config import Settings
from bot.services.erasure import ErasureService
from bot.services.roles import CONSOLE, RoleService


async def run(settings: Settings, args: argparse.Namespace) -> int:
    """`erasures export --output FILE` (run it after every backup and keep the file apart), and
    `erasures apply FILE` right after restoring a backup."""
    engine, factory = await open_database(settings)
    try:
        if args.erasures_command == "export":
            async with factory() as session:
                lines = await ErasureService(session, settings.ledger_key).export_ledger()
            await asyncio.to_thread(Path(args.output).write_text, lines, encoding="utf-8")
            print(f"{lines.count(chr(10))} ledger entries written to {args.output}.")
            return 0
        try:
            lines = await asyncio.to_thread(Path(args.file).read_text, encoding="utf-8")
        except OSError as error:
            print(f"Cannot read {args.file}: {error.strerror}.", file=sys.stderr)
            return 2
        async with factory() as session, session.begin():
            done = await ErasureService(session, settings.ledger_key).apply_ledger(lines)
            await RoleService(session, settings).audit(
                None,
                "ledger_applied",
                by=CONSOLE,
                people=done.people,
                contributions=done.contributions,
            )
        print(
            f"{done.people} people erased and {done.contributions} contributions withdrawn again."
        )
        return 0
    finally:
        await engine.dispose()
