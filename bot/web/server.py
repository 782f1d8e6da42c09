"""Webhook mode: an aiohttp server that receives Telegram's updates, plus /healthz and /metrics.

- POST <path of WEBHOOK_URL>: the update, checked against WEBHOOK_SECRET (Telegram sends it in
  X-Telegram-Bot-Api-Secret-Token); a wrong or missing secret gets 401 and a log line. The
  answer is immediate: the update is handled in a background task (aiogram's
  SimpleRequestHandler), and anything slow was already pushed to the outbox and the scheduler.
- GET /healthz: 200 when the process is up and the database answers (on its own connection,
  so a busy instance is not mistaken for a dead one), 503 otherwise or while stopping.
- GET /metrics: Prometheus text (bot/web/metrics.py).

Shutdown (SIGTERM or SIGINT): new updates are refused with 503, also on connections Telegram
keeps open (it delivers them again later, to this or another instance); the accepted ones are
handled to the end; the scheduler and the sender stop after their current round and hand back
what they had claimed; then connections close. Exit code 0.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from urllib.parse import urlparse

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.config import SHUTDOWN_GRACE_SECONDS, Settings
from bot.web.metrics import CONTENT_TYPE, Metrics
from storage.engine import HealthProbe
from storage.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)


class WebhookHandler(SimpleRequestHandler):
    """aiogram's handler (answer at once, handle in a background task), plus: a refused secret
    is logged, and once the instance is stopping, updates are refused with 503 so that Telegram
    delivers them again (to another instance, or to this one after its restart) instead of
    having them accepted by a process that is about to exit."""

    stopping = False

    def verify_secret(self, telegram_secret_token: str, bot: Bot) -> bool:
        if super().verify_secret(telegram_secret_token, bot):
            return True
        log.warning("webhook request refused: missing or wrong secret token (401)")
        return False

    async def handle(self, request: web.Request) -> web.Response:
        if self.stopping:
            return web.Response(status=503, text="stopping")
        return await super().handle(request)

    async def drain(self, timeout: float) -> int:
        """Wait for the accepted updates still being handled; returns how many there were."""
        tasks = set(self._background_feed_update_tasks)
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)
        return len(tasks)

    async def close(self) -> None:  # the bot's session is closed by the caller, last
        return None


def webhook_path(settings: Settings) -> str:
    assert settings.webhook_url is not None
    return urlparse(settings.webhook_url).path or "/"


def create_web_app(
    dispatcher: Dispatcher,
    bot: Bot,
    settings: Settings,
    session_factory: UnitOfWorkFactory,
    metrics: Metrics,
) -> tuple[web.Application, WebhookHandler]:
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    handler = WebhookHandler(dispatcher=dispatcher, bot=bot, secret_token=secret)
    app = web.Application()
    app.router.add_post(webhook_path(settings), handler.handle)

    health = HealthProbe(settings.database_url)

    async def healthz(request: web.Request) -> web.Response:
        if handler.stopping:
            return web.json_response({"status": "stopping"}, status=503)
        try:
            await health.ping()
        except Exception as error:  # any failure means "not healthy", with the reason
            log.warning("health check failed: %r", error)
            return web.json_response({"status": "error", "database": "unreachable"}, status=503)
        return web.json_response({"status": "ok", "database": "ok"})

    async def close_health_probe(app: web.Application) -> None:
        await health.close()

    app.on_cleanup.append(close_health_probe)

    async def metrics_page(request: web.Request) -> web.Response:
        body = await metrics.render(session_factory)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_page)
    return app, handler


async def serve_webhook(
    settings: Settings,
    dispatcher: Dispatcher,
    bot: Bot,
    session_factory: UnitOfWorkFactory,
    metrics: Metrics,
) -> None:
    """Listen, register the webhook, start the jobs; serve until SIGTERM/SIGINT; then stop in
    order: refuse new updates (503), finish the accepted ones, stop the jobs, close."""
    app, handler = create_web_app(dispatcher, bot, settings, session_factory, metrics)
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    started = False
    try:
        # Bind and register first: if the port is taken or Telegram refuses the URL, nothing
        # has been started that would need stopping.
        await web.TCPSite(runner, settings.webhook_host, settings.port).start()
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        await bot.set_webhook(
            settings.webhook_url or "",
            secret_token=secret,
            allowed_updates=dispatcher.resolve_used_update_types(),
        )
        await dispatcher.emit_startup(bot=bot, dispatcher=dispatcher, **dispatcher.workflow_data)
        started = True
        log.info("webhook mode: listening on %s:%s", settings.webhook_host, settings.port)
        await stop.wait()
        handler.stopping = True
        log.info("stopping: new updates are refused (503)")
        accepted = await handler.drain(SHUTDOWN_GRACE_SECONDS)
        log.info("stopping: %s accepted update(s) handled", accepted)
    finally:
        if started:  # waits for updates still in a handler, stops and releases the jobs
            await dispatcher.emit_shutdown(
                bot=bot, dispatcher=dispatcher, **dispatcher.workflow_data
            )
        await runner.cleanup()
        log.info("stopped")
