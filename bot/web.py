"""Webhook mode: an aiohttp server that receives Telegram's updates, plus /healthz and /metrics.

- POST <path of WEBHOOK_URL>: the update, checked against WEBHOOK_SECRET (Telegram sends it in
  X-Telegram-Bot-Api-Secret-Token); a wrong or missing secret gets 401 and a log line. The
  answer is immediate: the update is handled in a background task (aiogram's
  SimpleRequestHandler), and anything slow was already pushed to the outbox and the scheduler.
- GET /healthz: 200 when the process is up and the database answers, 503 otherwise.
- GET /metrics: Prometheus text (bot/metrics.py).

Shutdown (SIGTERM or SIGINT): the listening socket closes first (no new updates), updates being
handled are finished, the scheduler and the sender stop after their current round and hand back
what they had claimed, then connections close. Exit code 0.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from urllib.parse import urlparse

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.metrics import CONTENT_TYPE, Metrics

log = logging.getLogger(__name__)


class WebhookHandler(SimpleRequestHandler):
    def verify_secret(self, telegram_secret_token: str, bot: Bot) -> bool:
        if super().verify_secret(telegram_secret_token, bot):
            return True
        log.warning("webhook request refused: missing or wrong secret token (401)")
        return False

    async def close(self) -> None:  # the bot's session is closed by serve_webhook, last
        return None


def webhook_path(settings: Settings) -> str:
    assert settings.webhook_url is not None
    return urlparse(settings.webhook_url).path or "/"


def create_web_app(
    dispatcher: Dispatcher,
    bot: Bot,
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    metrics: Metrics,
) -> web.Application:
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    handler = WebhookHandler(dispatcher=dispatcher, bot=bot, secret_token=secret)
    app = web.Application()
    app.router.add_post(webhook_path(settings), handler.handle)

    async def healthz(request: web.Request) -> web.Response:
        try:
            async with asyncio.timeout(3), session_factory() as session:
                await session.execute(text("SELECT 1"))
        except Exception as error:  # any failure means "not healthy", with the reason
            log.warning("health check failed: %r", error)
            return web.json_response({"status": "error", "database": "unreachable"}, status=503)
        return web.json_response({"status": "ok", "database": "ok"})

    async def metrics_page(request: web.Request) -> web.Response:
        body = await metrics.render(session_factory)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_page)
    return app


async def serve_webhook(
    settings: Settings,
    dispatcher: Dispatcher,
    bot: Bot,
    session_factory: async_sessionmaker[AsyncSession],
    metrics: Metrics,
) -> None:
    """Register the webhook, serve until SIGTERM/SIGINT, then shut down in order."""
    app = create_web_app(dispatcher, bot, settings, session_factory, metrics)
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.webhook_host, settings.port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await dispatcher.emit_startup(bot=bot, dispatcher=dispatcher, **dispatcher.workflow_data)
    await site.start()
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    await bot.set_webhook(
        settings.webhook_url or "",
        secret_token=secret,
        allowed_updates=dispatcher.resolve_used_update_types(),
    )
    log.info("webhook mode: listening on %s:%s", settings.webhook_host, settings.port)
    await stop.wait()
    log.info("stopping: no new updates")
    await site.stop()  # closes the listening socket
    # The shutdown hooks (bot/app.py) wait for updates in flight, then stop the jobs.
    await dispatcher.emit_shutdown(bot=bot, dispatcher=dispatcher, **dispatcher.workflow_data)
    await runner.cleanup()
    log.info("stopped")
