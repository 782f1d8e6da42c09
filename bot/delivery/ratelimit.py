"""The global pace of outgoing messages (Telegram allows about 30 per second per bot).

Each sender smooths its own sends with aiolimiter's leaky bucket (a tenth of a second of sends,
so no burst at start). With `REDIS_URL`, every send also takes a slot in a one-second moving
window kept in Redis by the `limits` library, shared by all instances: two senders at
SEND_RATE each still deliver at most SEND_RATE messages in any second, together.
"""

from __future__ import annotations

import asyncio
import time

from aiolimiter import AsyncLimiter
from limits import RateLimitItemPerSecond
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

SHARED_KEY = "relais-send"


class SendRateLimiter:
    def __init__(self, rate: float, redis_url: str | None = None, key: str = SHARED_KEY) -> None:
        self.key = key
        burst = max(1.0, rate / 10)
        self.local = AsyncLimiter(burst, burst / rate)
        self.shared: MovingWindowRateLimiter | None = None
        self._pool = None
        self.window = RateLimitItemPerSecond(max(1, int(rate)))
        if redis_url:
            from redis.asyncio import BlockingConnectionPool  # only when REDIS_URL is set

            self._pool = BlockingConnectionPool.from_url(redis_url, max_connections=20, timeout=10)
            storage = storage_from_string(
                f"async+{redis_url}", implementation="redispy", connection_pool=self._pool
            )
            self.shared = MovingWindowRateLimiter(storage)  # type: ignore[arg-type]

    async def aclose(self) -> None:
        if self._pool is not None:
            await self._pool.disconnect()

    async def acquire(self) -> None:
        await self.local.acquire()
        if self.shared is None:
            return
        while not await self.shared.hit(self.window, self.key):
            # Full for this second, across instances: wait until the oldest send leaves it.
            stats = await self.shared.get_window_stats(self.window, self.key)
            await asyncio.sleep(min(1.0, max(0.005, stats.reset_time - time.time())))
