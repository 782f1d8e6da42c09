"""Handler latency with many people answering at once (p50/p99), against the echo bot.

Each simulated person answers the questions one after another; all of them run concurrently on
one event loop, as in production under long polling. Two loads: "saturated" (everyone answers
again the instant the bot replies: latency there is mostly queueing) and "with think time"
(a random pause, 1 s on average, between a reply and the next answer: closer to people typing).
Latency is measured around `Dispatcher.feed_update` (routing, middlewares, database, reply).

    python bench/latency.py [--people 200] [--think 1.0]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time

from _common import TEXT_QUESTIONS, bench_questionnaire, database_url, prepare_people, text_update
from aiogram import Bot, Dispatcher, Router
from aiogram.types import Message

from bot.app import create_bot, create_dispatcher
from bot.config import load_settings
from bot.devtools.fake_api import FAKE_TOKEN, FakeTelegramSession
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade_to_head


async def measure(
    dispatcher: Dispatcher, bot: Bot, people: list[int], think: float = 0.0
) -> tuple[list[float], float]:
    latencies: list[float] = []
    chance = random.Random(42)

    async def person(user_id: int) -> None:
        for question in range(TEXT_QUESTIONS):
            if think:
                await asyncio.sleep(chance.expovariate(1 / think))
            update = text_update(user_id, f"réponse {question}")
            started = time.perf_counter()
            await dispatcher.feed_update(bot, update)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(person(user_id) for user_id in people))
    return latencies, time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report(label: str, latencies: list[float], elapsed: float) -> None:
    print(
        f"{label:26s}: p50 {percentile(latencies, 0.50) * 1000:7.1f} ms   "
        f"p99 {percentile(latencies, 0.99) * 1000:7.1f} ms   "
        f"mean {statistics.mean(latencies) * 1000:7.1f} ms   "
        f"{len(latencies) / elapsed:6.0f} updates/s"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between answers")
    args = parser.parse_args()

    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    echo_dispatcher = Dispatcher()
    echo_dispatcher.include_router(router)
    echo_bot = Bot(token=FAKE_TOKEN, session=FakeTelegramSession())
    echo_people = list(range(50_000, 50_000 + args.people))
    await measure(echo_dispatcher, echo_bot, echo_people[:20])  # warm-up
    echo_latencies, echo_elapsed = await measure(echo_dispatcher, echo_bot, echo_people)

    print(f"{args.people} concurrent people x {TEXT_QUESTIONS} answers")
    report("bare echo bot", echo_latencies, echo_elapsed)
    for label, think in (("saturated", 0.0), (f"think {args.think:g} s", args.think)):
        url = database_url("latency")
        settings = load_settings(database_url=url)
        engine = create_engine(url)
        await upgrade_to_head(engine)
        factory = create_session_factory(engine)
        questionnaire = bench_questionnaire()
        people = await prepare_people(factory, questionnaire, args.people)
        bot = create_bot(settings, session=FakeTelegramSession(), token=FAKE_TOKEN)
        dispatcher = create_dispatcher(settings, factory, questionnaire)
        latencies, elapsed = await measure(dispatcher, bot, people, think)
        await engine.dispose()
        report(f"full stack, {label}", latencies, elapsed)


if __name__ == "__main__":
    asyncio.run(main())
