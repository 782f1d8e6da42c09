"""Two instances sharing PostgreSQL and Redis: the conversation state and the send rate."""

from __future__ import annotations

import asyncio
import time
import uuid

from aiogram.fsm.storage.base import DefaultKeyBuilder
from aiogram.fsm.storage.redis import RedisStorage

from bot.app import create_bot, create_dispatcher, create_fsm_storage
from bot.delivery.ratelimit import SendRateLimiter
from bot.devtools.fake_api import FAKE_TOKEN, ChatDriver, FakeTelegramSession
from bot.keyboards.callbacks import ConsentCB, LanguageCB, StructureTypeCB
from storage.engine import create_session_factory
from tests.handlers.conftest import Db
from tests.helpers import joined


async def test_a_conversation_continues_on_another_instance_through_redis(
    settings, engine, redis_url
) -> None:
    prefix = f"relais-test-{uuid.uuid4().hex}"
    with_redis = settings.model_copy(update={"redis_url": redis_url})
    storages = [create_fsm_storage(with_redis) for _ in range(2)]  # what production builds
    for storage in storages:
        assert isinstance(storage, RedisStorage)
        storage.key_builder = DefaultKeyBuilder(prefix=prefix)  # this test's keys only
    fake = FakeTelegramSession()
    bot = create_bot(settings, session=fake, token=FAKE_TOKEN)
    factory = create_session_factory(engine)
    first, second = (
        create_dispatcher(settings, factory, fsm_storage=storage) for storage in storages
    )
    try:
        on_first = ChatDriver(first, bot, fake)
        on_second = ChatDriver(second, bot, fake)
        await on_first.send("/start")
        await on_first.click_data(ConsentCB(accept=True).pack())
        await on_second.click_data(LanguageCB(code="fr").pack())
        await on_first.click_data(StructureTypeCB(key="ai").pack())
        # The first instance asked for the structure's name; the answer reaches the second.
        sent = await on_second.send("AI du Grésivaudan")
        assert "département" in joined(sent).lower()
        sent = await on_first.send("38")
        assert "fonction" in joined(sent).lower()
        user = await Db(factory).user()
        assert (user.structure_name, user.department_code) == ("AI du Grésivaudan", "38")
    finally:
        await storages[0].redis.delete(*await storages[0].redis.keys(f"{prefix}:*") or [prefix])
        for storage in storages:
            await storage.close()
        await bot.session.close()


async def test_two_senders_together_keep_to_the_shared_rate(redis_url) -> None:
    key = f"relais-test-{uuid.uuid4().hex}"
    rate = 20
    limiters = [SendRateLimiter(rate, redis_url, key=key) for _ in range(2)]
    stamps: list[float] = []

    async def send(limiter: SendRateLimiter, count: int) -> None:
        for _ in range(count):
            await limiter.acquire()
            stamps.append(time.monotonic())

    await asyncio.gather(*(send(limiter, 30) for limiter in limiters))
    stamps.sort()
    busiest = max(sum(1 for t in stamps if start <= t < start + 1) for start in stamps)
    # Each limiter alone allows `rate` per second: unshared, the two would send 40 in a second.
    # Shared: at most `rate` in any second of Redis's clock (a couple more can appear here,
    # where each time is taken after its await returns).
    assert len(stamps) == 60
    assert busiest <= rate + 3


async def test_without_redis_each_sender_only_smooths_its_own_pace() -> None:
    limiter = SendRateLimiter(50)
    assert limiter.shared is None  # no shared window: single-instance behaviour unchanged
    for _ in range(10):
        await limiter.acquire()
    await limiter.aclose()
