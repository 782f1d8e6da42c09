"""Answers stored per second through the whole stack, against a bare aiogram echo bot.

Both run in this process, fed the same kind of text updates through `Dispatcher.feed_update`
with the same in-process fake Bot API (so no network cost hides either side). The full stack
runs the production dispatcher: per-person ordering, one DB session + transaction per update,
profile and locale loading, the contribution service (compare-and-set, a new answer revision),
a durable COMMIT (SQLite WAL) and the reply. Target: at least 0.6x the echo rate.

    python bench/answer_throughput.py [--people 300] [--concurrency 1] [--http]

--http sends both bots' replies over HTTP to a fake Bot API server in another process (as in
production, where every reply is an HTTPS call), instead of the in-process fake session.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from _common import TEXT_QUESTIONS, bench_questionnaire, database_url, prepare_people, text_update
from aiogram import Bot, Dispatcher, Router
from aiogram.types import Message

from bot.app import create_bot, create_dispatcher
from bot.config import load_settings
from bot.devtools.fake_api import FAKE_TOKEN, FakeTelegramSession
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade_to_head

HTTP_URL: str | None = None
THREADED_SQLITE = False  # --threaded-sqlite: aiosqlite's worker thread, SQLAlchemy's pool


def telegram_session():
    if HTTP_URL is None:
        return FakeTelegramSession()
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer

    return AiohttpSession(api=TelegramAPIServer.from_base(HTTP_URL))


@contextmanager
def fake_server(extra: list[str] | None = None):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.devtools.fake_server", "--port", str(port), *(extra or [])],
        cwd=root,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait()


async def feed_all(dispatcher, bot, updates, concurrency: int) -> float:
    queue = list(updates)
    started = time.perf_counter()
    if concurrency == 1:
        for update in queue:
            await dispatcher.feed_update(bot, update)
    else:

        async def worker(chunk):
            for update in chunk:
                await dispatcher.feed_update(bot, update)

        # Split by person so each person's answers stay in order, as Telegram delivers them.
        chunks = [queue[i::concurrency] for i in range(concurrency)]
        await asyncio.gather(*(worker(chunk) for chunk in chunks))
    return time.perf_counter() - started


async def echo_rate(count: int, concurrency: int) -> float:
    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    bot = Bot(token=FAKE_TOKEN, session=telegram_session())  # bare: no project code at all
    updates = [text_update(20_000 + i % 300, f"echo {i}") for i in range(count)]
    elapsed = await feed_all(dispatcher, bot, updates, concurrency)
    await bot.session.close()
    return count / elapsed


async def stack_rate(people: int, concurrency: int) -> tuple[float, int]:
    url = database_url("throughput")
    settings = load_settings(database_url=url)
    engine = create_engine(url, inline=not THREADED_SQLITE)
    await upgrade_to_head(engine)
    factory = create_session_factory(engine)
    questionnaire = bench_questionnaire()
    ids = await prepare_people(factory, questionnaire, people)
    bot = create_bot(settings, session=telegram_session(), token=FAKE_TOKEN)
    dispatcher = create_dispatcher(settings, factory, questionnaire)
    # Round-robin: person 1 answers q0, person 2 answers q0, ... then everyone answers q1 ...
    updates = [
        text_update(user_id, f"réponse {q} de {user_id}")
        for q in range(TEXT_QUESTIONS)
        for user_id in ids
    ]
    elapsed = await feed_all(dispatcher, bot, updates, concurrency)
    from sqlalchemy import func, select

    from storage.models import Answer

    async with factory() as session:
        stored = await session.scalar(select(func.count()).select_from(Answer))
    await bot.session.close()
    await engine.dispose()
    return len(updates) / elapsed, stored


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--http", action="store_true")
    parser.add_argument("--threaded-sqlite", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="runs per side; the best is kept")
    args = parser.parse_args()
    global THREADED_SQLITE
    THREADED_SQLITE = args.threaded_sqlite
    if args.http:
        global HTTP_URL
        with fake_server() as url:
            HTTP_URL = url
            await run(args)
    else:
        await run(args)


async def run(args: argparse.Namespace) -> None:
    total = args.people * TEXT_QUESTIONS
    await echo_rate(500, args.concurrency)  # warm-up: imports, pydantic schemas
    echoes, stacks = [], []
    for _ in range(args.repeat):  # interleaved, so both sides see the same machine load
        echoes.append(await echo_rate(total, args.concurrency))
        rate, stored = await stack_rate(args.people, args.concurrency)
        stacks.append(rate)
        if stored != total:
            print(f"WARNING: {total - stored} answers missing")
    echo, stack = statistics.median(echoes), statistics.median(stacks)
    transport = "HTTP to a fake Bot API process" if HTTP_URL else "in-process fake Bot API"
    if THREADED_SQLITE:
        transport += ", SQLite through aiosqlite's thread"
    print(f"updates per run         : {total} ({args.people} people x {TEXT_QUESTIONS} answers)")
    print(
        f"setting                 : concurrency {args.concurrency}, {transport}, "
        f"median of {args.repeat} runs"
    )
    print(f"bare echo bot           : {echo:8.0f} updates/s")
    print(f"full stack (answers)    : {stack:8.0f} updates/s  (every answer stored and committed)")
    print(f"ratio full stack / echo : {stack / echo:8.2f}x  (target >= 0.60x)")


if __name__ == "__main__":
    asyncio.run(main())
