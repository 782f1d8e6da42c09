"""`python -m bot deliver`."""

from __future__ import annotations

import argparse
import asyncio
import signal

from bot.app import create_bot
from bot.config import Settings
from bot.delivery.ratelimit import SendRateLimiter
from bot.delivery.sender import PacedSender
from bot.domain.quiet import QuietHours
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade_to_head


async def run(settings: Settings, args: argparse.Namespace) -> int:
    """The paced sender alone: a worker process, or a one-off flush of the outbox."""
    engine = create_engine(settings.database_url)
    if settings.sqlite_path() is not None:
        await upgrade_to_head(engine)
    bot = create_bot(settings)
    sender = PacedSender(
        bot,
        create_session_factory(engine),
        rate=settings.send_rate,
        quiet=QuietHours.from_settings(settings),
        limiter=SendRateLimiter(settings.send_rate, settings.redis_url),
        admin_ids=settings.admin_ids,
    )
    try:
        if args.until_empty:
            await sender.recover(everything=settings.sqlite_path() is not None)
            delivered = await sender.run_until_empty()
            print(f"{delivered} messages handled.")
        else:
            stop = asyncio.Event()
            for signum in (signal.SIGTERM, signal.SIGINT):  # finish the round, then stop
                asyncio.get_running_loop().add_signal_handler(signum, stop.set)
            await sender.run_forever(stop)
            await sender.release_claims()
    finally:
        await sender.limiter.aclose()
        await bot.session.close()
        await engine.dispose()
    return 0
