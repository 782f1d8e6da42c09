"""Broadcast to 10 k recipients, the way an admin's broadcast goes, over HTTP.

10 k people in a region; a confirmed broadcast to that region; the scheduler resolves the
audience and enqueues it; the paced sender (rate R) delivers it to a fake Bot API server in
another process; the scheduler then reports. Printed: the time to resolve the audience and
enqueue, the delivery wall time against the ideal N/R (target within 3 %), messages/s,
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
from _common import person_rows
from answer_throughput import fake_server
from sqlalchemy import func, insert, select

from bot.app import create_bot
from bot.config import load_settings
from bot.delivery.sender import PacedSender
from bot.domain.questionnaire import default_questionnaire
from bot.jobs.scheduler import Scheduler
from bot.services.broadcasts import BroadcastService
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade_to_head
from storage.models import OutboxMessage, User
from storage.repositories.audience import Audience

TOKEN = "424242:bench"
ADMIN = 42


async def seed_people(factory, recipients: int) -> None:
    now = datetime.now(UTC)
    rows = person_rows(1_000_000, recipients, now)
    async with factory() as session, session.begin():
        for start in range(0, recipients, 5000):
            await session.execute(insert(User), rows[start : start + 5000])


async def run(recipients: int, rate: float, fail_429: float) -> None:
    """The real path: a confirmed broadcast to a region, started by the scheduler (audience
    query + bulk enqueue), delivered by the paced sender, reported by the scheduler."""
    path = Path(tempfile.mkdtemp(prefix="relais-broadcast-")) / "bench.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    engine = create_engine(url)
    await upgrade_to_head(engine)
    factory = create_session_factory(engine)
    await seed_people(factory, recipients)
    async with factory() as session, session.begin():
        service = BroadcastService(session)
        draft = await service.create_draft(ADMIN, "Réunion à <b>Grenoble</b> le 5 mars", None, None)
        service.set_audience(draft, Audience(regions=("84",)))
        draft.urgent = True  # the bench may run at night
        await service.confirm(draft.id, ADMIN, ADMIN, 1)
    with fake_server(extra=["--fail-429", str(fail_429), "--retry-after", "1"]) as api:
        settings = load_settings(
            database_url=url,
            bot_token=TOKEN,
            telegram_api_url=api,
            send_rate=rate,
            admin_ids=str(ADMIN),
        )
        bot = create_bot(settings)
        scheduler = Scheduler(factory, settings, default_questionnaire(), bot=bot)
        sender = PacedSender(bot, factory, rate=rate, admin_ids=settings.admin_ids)
        started = time.perf_counter()
        await scheduler.broadcasts.start()
        enqueued = time.perf_counter()
        await sender.run_until_empty()
        elapsed = time.perf_counter() - enqueued
        finished = await scheduler.broadcasts.track()
        await sender.run_until_empty()  # the report
        await bot.session.close()
        async with aiohttp.ClientSession() as http, http.get(f"{api}/stats") as response:
            stats = await response.json()
    async with factory() as session:
        statuses = dict(
            (
                await session.execute(
                    select(OutboxMessage.status, func.count())
                    .where(OutboxMessage.kind == "broadcast")
                    .group_by(OutboxMessage.status)
                )
            ).all()
        )
    await engine.dispose()
    ideal = recipients / rate
    people = {chat: count for chat, count in stats["chats"].items() if chat != str(ADMIN)}
    duplicates = sum(1 for count in people.values() if count > 1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    refused = stats["methods"].get("429", 0)
    print(
        f"{recipients:,} recipients at {rate:g}/s, {fail_429:.0%} answered 429 "
        f"({refused} refusals): audience + enqueue {enqueued - started:.2f} s; delivery "
        f"{elapsed:6.2f} s vs ideal {ideal:.2f} s ({(elapsed / ideal - 1) * 100:+.1f} %), "
        f"{recipients / elapsed:6.0f} msg/s, delivered {len(people):,}, duplicates "
        f"{duplicates}, statuses {statuses}, report sent {finished == 1}, "
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
