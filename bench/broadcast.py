"""Broadcast to 10 k recipients through the outbox and the paced sender, over HTTP.

A fake Bot API server runs in another process; the sender (rate R) delivers 10 k queued
messages to it. Printed: wall time against the ideal N/R (target within 3 %), messages/s,
duplicates seen by the server (must be 0), the sender's peak memory; then the same with 5 % of
sends answered 429 (retry_after 1 s).

    python bench/broadcast.py [--recipients 10000] [--rate 500]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from _common import ROOT  # noqa: F401  (puts the project on sys.path)
from answer_throughput import fake_server
from sqlalchemy import func, insert, select

from bot.app import create_bot
from bot.config import load_settings
from bot.delivery import PacedSender
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade_to_head
from storage.models import OutboxMessage

TOKEN = "424242:bench"


async def run(recipients: int, rate: float, fail_429: float) -> None:
    path = Path(tempfile.mkdtemp(prefix="relais-broadcast-")) / "bench.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    engine = create_engine(url)
    await upgrade_to_head(engine)
    factory = create_session_factory(engine)
    now = datetime.now(UTC)
    async with factory() as session, session.begin():
        await session.execute(
            insert(OutboxMessage),
            [
                {
                    "recipient_id": 1_000_000 + i,
                    "kind": "broadcast",
                    "group_key": "broadcast:1",
                    "payload": {"method": "message", "text": f"Message {i} de la consultation"},
                    "due_at": now,
                    "status": "pending",
                    "attempts": 0,
                    "urgent": True,
                    "created_at": now,
                }
                for i in range(recipients)
            ],
        )
    with fake_server(extra=["--fail-429", str(fail_429), "--retry-after", "1"]) as api:
        settings = load_settings(
            database_url=url, bot_token=TOKEN, telegram_api_url=api, send_rate=rate
        )
        bot = create_bot(settings)
        sender = PacedSender(bot, factory, rate=rate)
        started = time.perf_counter()
        await sender.run_until_empty()
        elapsed = time.perf_counter() - started
        await bot.session.close()
        async with aiohttp.ClientSession() as http, http.get(f"{api}/stats") as response:
            stats = await response.json()
    async with factory() as session:
        statuses = dict(
            (
                await session.execute(
                    select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
                )
            ).all()
        )
    await engine.dispose()
    ideal = recipients / rate
    duplicates = sum(1 for count in stats["chats"].values() if count > 1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    refused = stats["methods"].get("429", 0)
    print(
        f"{recipients:,} recipients at {rate:g}/s, {fail_429:.0%} answered 429 "
        f"({refused} refusals): {elapsed:6.2f} s vs ideal {ideal:.2f} s "
        f"({(elapsed / ideal - 1) * 100:+.1f} %), {recipients / elapsed:6.0f} msg/s, "
        f"delivered {len(stats['chats']):,}, duplicates {duplicates}, statuses {statuses}, "
        f"peak RSS {peak:.0f} MB"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=500)
    args = parser.parse_args()
    await run(args.recipients, args.rate, 0.0)
    await run(args.recipients, args.rate, 0.05)


if __name__ == "__main__":
    asyncio.run(main())
