"""Prometheus metrics (prometheus_client), served at /metrics in webhook mode.

Counted in the process: updates by type and outcome, and how long each took. Read from the
database at scrape time (so every instance reports the same shared truth): outbox messages by
status, the backlog due now, digest runs.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from storage.base import utcnow
from storage.metrics import operational_figures
from storage.models import OutboxStatus
from storage.unit_of_work import UnitOfWorkFactory

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
log = logging.getLogger(__name__)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.updates = Counter(
            "relais_updates",
            "Updates handled, by type and outcome (ok, error)",
            ["type", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "relais_update_duration_seconds",
            "Time to handle one update, middlewares and handler included",
            ["type"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
        self.outbox = Gauge(
            "relais_outbox_messages",
            "Outbox messages by status (sent, failed, blocked are deliveries so far)",
            ["status"],
            registry=self.registry,
        )
        self.backlog = Gauge(
            "relais_outbox_backlog",
            "Outbox messages due now and not yet delivered",
            registry=self.registry,
        )
        self.digest_runs = Gauge(
            "relais_digest_runs", "Digests enqueued so far", registry=self.registry
        )
        self.database_up = Gauge(
            "relais_database_up",
            "1 if the database answered the last scrape's queries in time",
            registry=self.registry,
        )

    async def render(self, session_factory: UnitOfWorkFactory) -> bytes:
        """The page; the database part is time-boxed, and the in-process counters are served
        even when the database is slow or down (relais_database_up says which)."""
        try:
            async with asyncio.timeout(3):
                await self._read_database(session_factory)
            self.database_up.set(1)
        except Exception as error:  # a scrape must not fail because of the database
            log.warning("metrics: database figures unavailable: %r", error)
            self.database_up.set(0)
        return generate_latest(self.registry)

    async def _read_database(self, session_factory: UnitOfWorkFactory) -> None:
        async with session_factory() as session:
            figures = await operational_figures(session, utcnow())
        for status in OutboxStatus:
            self.outbox.labels(status).set(figures.outbox_by_status.get(status, 0))
        self.backlog.set(figures.backlog)
        self.digest_runs.set(figures.digest_runs)


class MetricsMiddleware(BaseMiddleware):
    """Outermost update middleware: counts every update and times it."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        kind = event.event_type if isinstance(event, Update) else type(event).__name__
        started = time.perf_counter()
        outcome = "error"
        try:
            result = await handler(event, data)
            outcome = "ok"
            return result
        finally:
            self.metrics.latency.labels(kind).observe(time.perf_counter() - started)
            self.metrics.updates.labels(kind, outcome).inc()
